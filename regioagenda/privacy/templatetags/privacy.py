"""The retention periods for the privacy statement, read from the inventory so both agree."""

from django import template

from regioagenda.privacy import inventory

register = template.Library()

PERIODS = {
    "unconfirmed_event": inventory.UNCONFIRMED_EVENT,
    "rejected_event": inventory.REJECTED_EVENT,
    "event_contact": inventory.EVENT_CONTACT_AFTER_END,
    "meeting_contact": inventory.MEETING_CONTACT_AFTER_END,
    "initiative_contact": inventory.INITIATIVE_CONTACT_AFTER_CLOSING,
    "login_records": inventory.LOGIN_RECORDS,
    "change_address": inventory.CHANGE_HISTORY_ADDRESS,
}


@register.simple_tag
def retention_days(name: str) -> int:
    """The number of days `name` (a key of PERIODS) is kept."""
    return PERIODS[name].days
