from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('portal', '0004_mail_outbox')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Attempt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('scope', fields.CharField(max_length=24)),
                ('address', fields.CharField(max_length=64)),
                ('subject', fields.CharField(null=True, max_length=64)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('outcome', fields.CharField(default='open', max_length=8)),
            ],
            options={'table': 'attempt', 'app': 'portal', 'indexes': [Index(fields=['scope', 'address', 'at'], name='attempt_address'), Index(fields=['scope', 'subject', 'at'], name='attempt_subject'), Index(fields=['at'], name='attempt_age')], 'pk_attr': 'id', 'table_description': 'One attempt at a throttled form: from which address, about which subject, and how it went.'},
            bases=['Model'],
        ),
        ops.DeleteModel(name='SignInAttempt'),
    ]
