"""Names that vulture (`make lint`, 80% confidence) would call unused, but that a framework calls or reads.

Vulture reads code, not the framework's conventions: an argument that Django or DRF passes by name or position
must stay in the signature even when the body does not read it. Each name below says who needs it. Add a name here
only for such a hook; code that nothing calls is deleted instead.

At 80% vulture reports unused imports, unused arguments and variables, and unreachable code. An unused function,
class or method is only ever 60% sure (a framework may call it by name: admin classes, management commands, view
and serializer hooks, filter methods named in ``method=``), so those are not in the gate; look for them now and then
with ``--min-confidence 60`` and check templates, URLconfs, settings strings and tests before deleting.
"""

# Django signals call every receiver with ``sender=`` (and the signal's other arguments as keywords): a receiver
# must accept it by that name (accounts/apps.py: post_migrate; funding/rollups.py: pre/post save and delete).
sender

# DRF calls ``BaseRenderer.render(data, accepted_media_type, renderer_context)`` positionally
# (core/api/renderers.py: TabularRenderer.render).
accepted_media_type

# Django calls ``Widget.value_from_datadict(data, files, name)`` positionally (core/views.py: ListValue).
files
