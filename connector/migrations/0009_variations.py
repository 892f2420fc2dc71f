from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("connector", "0008_log_kinds")]

    operations = [
        migrations.AddField(
            model_name="link",
            name="shop_parent_id",
            field=models.CharField(
                blank=True, max_length=255, verbose_name="shop parent product", default=""
            ),
            preserve_default=False,
        ),
    ]
