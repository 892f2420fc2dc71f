from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("connector", "0011_link_days_to_pay")]

    operations = [
        migrations.CreateModel(
            name="PreviewProgress",
            fields=[
                (
                    "task",
                    models.CharField(max_length=32, primary_key=True, serialize=False),
                ),
                ("done", models.PositiveIntegerField(default=0)),
                ("total", models.PositiveIntegerField(default=0)),
                ("label", models.CharField(blank=True, max_length=200)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"verbose_name": "preview progress"},
        ),
    ]
