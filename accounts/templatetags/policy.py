"""``{% can "change" object as may_change %}``: templates ask the access policy, never a role or a hub id."""

from django import template

from accounts import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, obj=None) -> bool:
    return policy.can(context.get("user"), action, obj)
