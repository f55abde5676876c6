from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('actor', fields.CharField(db_index=True, max_length=120)),
                ('acting_as', fields.CharField(null=True, max_length=120)),
                ('action', fields.CharField(db_index=True, max_length=64)),
                ('object_type', fields.CharField(max_length=40)),
                ('object_id', fields.CharField(null=True, max_length=64)),
                ('object_label', fields.CharField(null=True, max_length=200)),
                ('before', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('after', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('address', fields.CharField(null=True, max_length=64)),
            ],
            options={'table': 'audit_event', 'app': 'portal', 'indexes': [Index(fields=['object_type', 'object_id'])], 'pk_attr': 'id', 'table_description': 'One recorded action: actor, optional acting-as, action, object, before/after.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LogoImage',
            fields=[
                ('sha256', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('content_type', fields.CharField(max_length=40)),
                ('width', fields.IntField()),
                ('height', fields.IntField()),
                ('size', fields.IntField()),
                ('data', fields.BinaryField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'logo_image', 'app': 'portal', 'pk_attr': 'sha256', 'table_description': 'An uploaded, checked and re-encoded logo, addressed by the SHA-256 of its bytes.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProfileRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=80)),
                ('name_key', fields.CharField(unique=True, max_length=80)),
                ('is_default', fields.BooleanField(default=False)),
                ('version', fields.IntField(default=1)),
                ('content', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_by', fields.CharField(max_length=120)),
            ],
            options={'table': 'profile', 'app': 'portal', 'pk_attr': 'id', 'table_description': 'A profile with its editable content as one JSON document, plus identity and version.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProfileMarket',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('market', fields.CharField(unique=True, max_length=40)),
                ('profile', fields.ForeignKeyField('portal.ProfileRecord', source_field='profile_id', db_constraint=True, to_field='id', related_name='market_rows', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'profile_market', 'app': 'portal', 'pk_attr': 'id', 'table_description': 'The profile serving a market (a market belongs to at most one profile).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProfileVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('profile', fields.ForeignKeyField('portal.ProfileRecord', source_field='profile_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('content', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('markets', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('action', fields.CharField(max_length=32)),
                ('note', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_by', fields.CharField(max_length=120)),
            ],
            options={'table': 'profile_version', 'app': 'portal', 'unique_together': (('profile', 'number'),), 'pk_attr': 'id', 'table_description': 'A snapshot kept at every save.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffUser',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(unique=True, max_length=64)),
                ('password_hash', fields.CharField(max_length=255)),
                ('role', fields.CharField(max_length=32)),
                ('is_active', fields.BooleanField(default=True)),
                ('failed_logins', fields.IntField(default=0)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'staff_user', 'app': 'portal', 'pk_attr': 'id', 'table_description': 'A care rep or administrator who signs in to the console.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('staff', fields.ForeignKeyField('portal.StaffUser', source_field='staff_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('address', fields.CharField(null=True, max_length=64)),
            ],
            options={'table': 'staff_token', 'app': 'portal', 'pk_attr': 'id', 'table_description': 'A bearer token, of which only the SHA-256 digest is kept.'},
            bases=['Model'],
        ),
    ]
