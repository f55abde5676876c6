from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('portal', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Account',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=32)),
                ('holder_name', fields.CharField(max_length=120)),
                ('last_name', fields.CharField(max_length=80)),
                ('postal_code', fields.CharField(max_length=16)),
                ('market', fields.CharField(db_index=True, max_length=40)),
                ('status', fields.CharField(default='active', max_length=16)),
                ('balance', fields.DecimalField(default=0, max_digits=12, decimal_places=2)),
                ('due_date', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'account', 'app': 'portal', 'pk_attr': 'id', 'table_description': 'A billing account with the facts a subscriber proves at registration.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PortalUser',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('portal.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='portal_users', on_delete=OnDelete.RESTRICT)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('username', fields.CharField(null=True, unique=True, max_length=64)),
                ('display_name', fields.CharField(max_length=120)),
                ('password_hash', fields.CharField(null=True, max_length=255)),
                ('status', fields.CharField(db_index=True, max_length=16)),
                ('email_verified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('bill_notifications', fields.BooleanField(default=True)),
                ('failed_logins', fields.IntField(default=0)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'portal_user', 'app': 'portal', 'pk_attr': 'id', 'table_description': 'The portal login of a subscriber.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OneTimeLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('purpose', fields.CharField(max_length=16)),
                ('user', fields.ForeignKeyField('portal.PortalUser', source_field='user_id', db_constraint=True, to_field='id', related_name='links', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'one_time_link', 'app': 'portal', 'pk_attr': 'id', 'table_description': 'A single-use, expiring link sent by email (verify, reset, invite).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PortalSession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('user', fields.ForeignKeyField('portal.PortalUser', source_field='user_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('address', fields.CharField(null=True, max_length=64)),
                ('user_agent', fields.CharField(null=True, max_length=200)),
                ('impersonated_by', fields.CharField(null=True, max_length=120)),
            ],
            options={'table': 'portal_session', 'app': 'portal', 'pk_attr': 'id', 'table_description': 'A signed-in browser: the cookie holds a random id, the table its SHA-256 digest.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SignInAttempt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('address', fields.CharField(db_index=True, max_length=64)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('succeeded', fields.BooleanField()),
            ],
            options={'table': 'sign_in_attempt', 'app': 'portal', 'pk_attr': 'id', 'table_description': 'One sign-in attempt from an address, for the per-address limit.'},
            bases=['Model'],
        ),
    ]
