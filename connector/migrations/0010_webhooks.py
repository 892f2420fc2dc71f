import django.utils.timezone
from django.db import migrations, models

import connector.secrets


class Migration(migrations.Migration):
    dependencies = [
        ("connector", "0009_variations"),
    ]

    operations = [
        migrations.CreateModel(
            name="DeliveredOrder",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("shop_order_id", models.CharField(max_length=64, unique=True)),
                ("topic", models.CharField(blank=True, max_length=50)),
                ("received_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["received_at"],
            },
        ),
        migrations.CreateModel(
            name="WebhookState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "secret",
                    connector.secrets.EncryptedTextField(blank=True, verbose_name="webhook secret"),
                ),
                ("secret_renewed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "last_delivery_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last delivery"),
                ),
                ("last_delivery_topic", models.CharField(blank=True, max_length=50)),
                ("last_ping_at", models.DateTimeField(blank=True, null=True)),
                ("last_refused_at", models.DateTimeField(blank=True, null=True)),
                ("shop_webhook_ids", models.JSONField(blank=True, default=list)),
                ("set_up_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "webhook state",
            },
        ),
        migrations.AlterField(
            model_name="syncrun",
            name="kind",
            field=models.CharField(
                choices=[
                    ("products", "Products and categories"),
                    ("customers", "Customers"),
                    ("orders", "New orders"),
                    ("historic-orders", "Earlier orders"),
                    ("all", "Everything"),
                    ("resend", "Send one order again"),
                    ("webhook-orders", "Orders the shop announced"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="syncrun",
            name="trigger",
            field=models.CharField(
                choices=[
                    ("schedule", "schedule"),
                    ("button", "button"),
                    ("command", "command line"),
                    ("webhook", "shop's webhook"),
                ],
                max_length=10,
                verbose_name="started by",
            ),
        ),
    ]
