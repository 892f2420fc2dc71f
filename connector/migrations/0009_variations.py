from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("connector", "0008_log_kinds")]

    operations = []
