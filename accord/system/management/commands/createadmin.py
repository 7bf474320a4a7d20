from django.contrib.auth.management.commands.createsuperuser import Command as CreateSuperuser


class Command(CreateSuperuser):
    help = "Create a superuser, who may use the Django admin at /admin/."
