from django.apps import AppConfig

from .startup import local_files_prepare


class DistrictsConfig(AppConfig):
    name = "districts"

    def ready(self):
        local_files_prepare()
