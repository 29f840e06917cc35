from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Developer tools: synthetic scale data for benchmarks and load tests. Installed by the local and test settings
    only; production never imports it."""

    name = "devtools"
    verbose_name = "Developer tools"
