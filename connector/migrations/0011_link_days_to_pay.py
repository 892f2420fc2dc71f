from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("connector", "0010_webhooks")]

    operations = [
        migrations.AddField(
            model_name="link",
            name="days_to_pay",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="partner's days to pay"
            ),
        ),
    ]
