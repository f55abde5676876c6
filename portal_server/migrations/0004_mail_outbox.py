from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('portal', '0003_key_columns_and_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OutboxMail',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=32)),
                ('recipient', fields.CharField(max_length=254)),
                ('message', fields.BinaryField()),
                ('status', fields.CharField(default='queued', max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(null=True, max_length=200)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mail_outbox', 'app': 'portal', 'indexes': [Index(fields=['status', 'next_attempt_at'], name='mail_outbox_due'), Index(fields=['status', 'claimed_until'], name='mail_outbox_claim'), Index(fields=['sent_at'], name='mail_outbox_sent'), Index(fields=['created_at'], name='mail_outbox_created')], 'pk_attr': 'id', 'table_description': 'One composed message and where its delivery stands.'},
            bases=['Model'],
        ),
    ]
