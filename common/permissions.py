"""Permission names and the delivered staff roles.

The names follow the provider's security table for the customer portal: who may configure
profiles, who may manage subscribers' portal logins, who may act as a subscriber.
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    """One thing a staff member may be allowed to do."""

    PORTAL_LOG_ON = "customer_portal.log_on"
    MANAGE_CUSTOMER_PORTAL = "customer_portal.manage"
    MANAGE_PORTAL_ADMINISTRATION = "customer_care.manage_portal_administration"
    MANAGE_PORTAL_USER = "customer_care.manage_portal_user"
    IMPERSONATE = "customer_portal.impersonate"
    MANAGE_TEMPLATES = "communications.manage_templates"
    VIEW_PROFILES = "customer_care.view_profiles"
    VIEW_PORTAL_USERS = "customer_care.view_portal_users"
    VIEW_AUDIT = "customer_care.view_audit"


class Role(StrEnum):
    """A delivered role: a named bundle of permissions."""

    ADMINISTRATOR = "administrator"
    CARE_REP = "care-rep"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # Portal administrators configure profiles, manage subscribers and may impersonate them.
    Role.ADMINISTRATOR: frozenset(Permission),
    # Care reps look after subscribers' logins; they can read profiles but not change them.
    Role.CARE_REP: frozenset(
        {
            Permission.MANAGE_PORTAL_USER,
            Permission.VIEW_PROFILES,
            Permission.VIEW_PORTAL_USERS,
        }
    ),
}

PERMISSION_LABELS: dict[Permission, str] = {
    Permission.PORTAL_LOG_ON: "Customer Portal: Allow Log On",
    Permission.MANAGE_CUSTOMER_PORTAL: "Customer Portal: Manage Customer Portal",
    Permission.MANAGE_PORTAL_ADMINISTRATION: "Customer Care: Manage Customer Portal Administration",
    Permission.MANAGE_PORTAL_USER: "Customer Care: Manage Customer Portal User",
    Permission.IMPERSONATE: "Customer Portal: Impersonate",
    Permission.MANAGE_TEMPLATES: "Communications: Manage Templates",
    Permission.VIEW_PROFILES: "Customer Care: View Customer Portal Profiles",
    Permission.VIEW_PORTAL_USERS: "Customer Care: View Customer Portal Users",
    Permission.VIEW_AUDIT: "Customer Care: View Audit Trail",
}


def permissions_for(role: str) -> frozenset[Permission]:
    """Return the permissions a role grants; an unknown role grants none."""
    try:
        return ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return frozenset()


def role_names() -> list[str]:
    """Return the delivered role names, for prompts and validation."""
    return [role.value for role in Role]
