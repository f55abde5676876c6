from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

from common.email_rules import email_key


async def fill_keys(apps, schema_editor) -> None:
    """Give existing logins their case-folded email and username keys."""
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    update = (
        "UPDATE portal_user SET email_key = $1, username_key = $2 WHERE id = $3"
        if postgres
        else "UPDATE portal_user SET email_key = ?, username_key = ? WHERE id = ?"
    )
    _count, rows = await client.execute_query("SELECT id, email, username FROM portal_user")
    for row in rows:
        username = row["username"]
        await client.execute_query(
            update, [email_key(row["email"]), username.casefold() if username else None, row["id"]]
        )
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('portal', '0002_subscribers')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='OneTimeLink',
            index=Index(fields=['user_id', 'purpose'], name='one_time_link_user'),
        ),
        ops.AddIndex(
            model_name='OneTimeLink',
            index=Index(fields=['expires_at'], name='one_time_link_expiry'),
        ),
        ops.AddIndex(
            model_name='PortalSession',
            index=Index(fields=['user_id'], name='portal_session_user'),
        ),
        ops.AddIndex(
            model_name='PortalSession',
            index=Index(fields=['expires_at'], name='portal_session_expiry'),
        ),
        ops.AddField(
            model_name='PortalUser',
            name='email_key',
            field=fields.CharField(null=True, unique=True, max_length=254),
        ),
        ops.AddField(
            model_name='PortalUser',
            name='username_key',
            field=fields.CharField(null=True, unique=True, max_length=64),
        ),
        ops.RunPython(fill_keys, ops.RunPython.noop),
        ops.AddIndex(
            model_name='PortalUser',
            index=Index(fields=['account_id'], name='portal_user_account'),
        ),
        ops.AddIndex(
            model_name='ProfileRecord',
            index=Index(fields=['is_default'], name='profile_default'),
        ),
        ops.AddIndex(
            model_name='StaffToken',
            index=Index(fields=['staff_id'], name='staff_token_staff'),
        ),
        ops.AddIndex(
            model_name='StaffToken',
            index=Index(fields=['expires_at'], name='staff_token_expiry'),
        ),
    ]
