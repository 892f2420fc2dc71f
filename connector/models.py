"""What the connector keeps: its settings, the shipping and payment mappings, the links
between shop and FLOWii records, the runs with their logs, and the per-stream bookmarks."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .secrets import EncryptedTextField

DEFAULT_FLOWII_URL = "https://api.flowii.com"
DEFAULT_ORDER_STATUSES = ["processing", "completed"]


def default_order_statuses():
    return list(DEFAULT_ORDER_STATUSES)


class Settings(models.Model):
    """The one settings record: connections, schedule and the FLOWii choices."""

    class Schedule(models.TextChoices):
        OFF = "off", _("Off")
        INTERVAL = "interval", _("Every N minutes")
        DAILY = "daily", _("Once a day")

    class PricesWithVat(models.TextChoices):
        FROM_SHOP = "shop", _("As the shop's tax setting says")
        YES = "yes", _("Yes, prices are entered with VAT")
        NO = "no", _("No, prices are entered without VAT")

    flowii_url = models.URLField(_("FLOWii API address"), default=DEFAULT_FLOWII_URL)
    flowii_email = models.EmailField(_("FLOWii login e-mail"), blank=True)
    flowii_password = EncryptedTextField(_("FLOWii password"), blank=True)
    flowii_api_key = EncryptedTextField(_("FLOWii API key"), blank=True)
    shop_url = models.URLField(_("Shop address"), blank=True)
    shop_consumer_key = EncryptedTextField(_("WooCommerce consumer key"), blank=True)
    shop_consumer_secret = EncryptedTextField(_("WooCommerce consumer secret"), blank=True)

    schedule = models.CharField(
        _("Schedule"), max_length=10, choices=Schedule.choices, default=Schedule.OFF
    )
    schedule_minutes = models.PositiveIntegerField(_("Every how many minutes"), default=60)
    schedule_time = models.TimeField(_("Daily at"), null=True, blank=True)

    # FLOWii's choices: ids of the chosen FLOWii account's records. Every FLOWii call but the
    # login and the list of firms names the firm (FLOWii's `companyId`).
    flowii_company_id = models.BigIntegerField(_("FLOWii firm"), null=True, blank=True)
    supplier_company_data_id = models.BigIntegerField(_("Supplier company"), null=True, blank=True)
    numbering_sequence_id = models.BigIntegerField(
        _("Number series for received orders"), null=True, blank=True
    )
    business_relationship_id = models.BigIntegerField(_("Customer type"), null=True, blank=True)
    business_relationship_subtype_id = models.BigIntegerField(
        _("Customer subtype"), null=True, blank=True
    )
    non_stock_unit_id = models.BigIntegerField(_("Unit for non-stock items"), null=True, blank=True)
    non_stock_category_ids = models.JSONField(_("Non-stock categories"), default=list, blank=True)
    shipping_category_ids = models.JSONField(_("Shipping categories"), default=list, blank=True)
    # Optional: a partner custom field (text) in which FLOWii keeps the shop's customer id.
    partner_custom_field_id = models.BigIntegerField(
        _("Partner field for the shop's customer id"), null=True, blank=True
    )
    # FLOWii's published API has no stock count; where an account's goods carry one under
    # some attribute, naming it here imports it as the shop's stock. Empty: stock untouched.
    stock_attribute = models.CharField(
        _("Stock attribute of FLOWii goods"), max_length=100, blank=True
    )
    order_maturity_days = models.PositiveSmallIntegerField(
        _("Days to pay a received order"), default=14
    )
    # Alerts: who is told, by e-mail, when no run succeeded for this long, or when this share
    # of a run's records failed, or when credentials stop working (once per problem).
    alert_emails = models.TextField(_("Send alerts to (e-mail addresses)"), blank=True)
    alert_no_success_hours = models.PositiveSmallIntegerField(
        _("Alert when no run succeeded for (hours)"), default=24
    )
    alert_failed_percent = models.PositiveSmallIntegerField(
        _("Alert when this share of a run's records failed (%)"), default=20
    )
    # Set when an upgrade dropped choices made against the earlier FLOWii contract: the
    # Settings page asks for them again until they are made.
    flowii_choices_outdated = models.BooleanField(default=False)

    order_statuses = models.JSONField(
        _("Order statuses to export"), default=default_order_statuses, blank=True
    )
    new_orders_from = models.DateTimeField(_("New orders from"), null=True, blank=True)
    prices_with_vat = models.CharField(
        _("Shop prices entered with VAT"),
        max_length=5,
        choices=PricesWithVat.choices,
        default=PricesWithVat.FROM_SHOP,
    )

    order_ico_key = models.CharField(
        _("Order meta key of IČO"), max_length=100, default="_billing_ico"
    )
    order_dic_key = models.CharField(
        _("Order meta key of DIČ"), max_length=100, default="_billing_dic"
    )
    order_ic_dph_key = models.CharField(
        _("Order meta key of IČ DPH"), max_length=100, default="_billing_ic_dph"
    )
    customer_ico_key = models.CharField(
        _("Customer meta key of IČO"), max_length=100, default="billing_ico"
    )
    customer_dic_key = models.CharField(
        _("Customer meta key of DIČ"), max_length=100, default="billing_dic"
    )
    customer_ic_dph_key = models.CharField(
        _("Customer meta key of IČ DPH"), max_length=100, default="billing_ic_dph"
    )

    log_retention_days = models.PositiveIntegerField(_("Keep logs for (days)"), default=90)
    # Batches written to the shop at once: a real store spends seconds of PHP on a batch of
    # 100 products; two at a time speed an import up without flooding a small hosting plan.
    shop_write_concurrency = models.PositiveSmallIntegerField(_("Shop writes at once"), default=2)
    order_export_concurrency = models.PositiveSmallIntegerField(
        _("Orders exported at once"), default=4
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("settings")
        verbose_name_plural = _("settings")
        permissions = [("run_sync", _("Can start a synchronisation"))]

    def __str__(self):
        return str(_("Connector settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        if self.new_orders_from is None and self.is_configured:
            # Orders count as "new" from the moment the connector was first configured.
            self.new_orders_from = timezone.now()
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> Settings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    CREDENTIALS = (
        "flowii_email",
        "flowii_password",
        "flowii_api_key",
        "shop_url",
        "shop_consumer_key",
        "shop_consumer_secret",
    )

    @property
    def is_configured(self) -> bool:
        """All six connection settings are filled in."""
        return all(getattr(self, name) for name in self.CREDENTIALS)

    @property
    def unreadable_secrets(self) -> list[str]:
        """The stored secrets that the current encryption key cannot read."""
        from .secrets import unreadable

        return [name for name in self.CREDENTIALS if unreadable(getattr(self, name))]


class ShippingMapping(models.Model):
    """A shipping method of the shop (zone + method instance), its FLOWii delivery type and
    the shipping item it goes in as."""

    zone_id = models.IntegerField(_("zone id"))
    zone_name = models.CharField(_("zone"), max_length=200, blank=True)
    method_id = models.CharField(_("method"), max_length=100)
    instance_id = models.CharField(_("instance"), max_length=20)
    title = models.CharField(_("title"), max_length=200, blank=True)
    enabled = models.BooleanField(_("enabled in the shop"), default=True)
    # The shop no longer has it: kept for the history of orders, no longer offered or counted.
    gone = models.BooleanField(_("gone from the shop"), default=False)
    flowii_delivery_type_id = models.BigIntegerField(
        _("FLOWii delivery type"), null=True, blank=True
    )
    flowii_delivery_type_name = models.CharField(max_length=200, blank=True)
    # The good (of a shipping category) that the shipping line goes in as; None: a line by
    # the method's name.
    flowii_good_id = models.BigIntegerField(_("FLOWii shipping item"), null=True, blank=True)
    flowii_good_name = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("shipping mapping")
        verbose_name_plural = _("shipping")
        constraints = [
            models.UniqueConstraint(fields=["method_id", "instance_id"], name="unique_shipping")
        ]
        ordering = ["zone_id", "instance_id"]

    def __str__(self):
        return f"{self.zone_name}: {self.title} ({self.method_id}:{self.instance_id})"

    @property
    def key(self) -> str:
        return f"{self.method_id}:{self.instance_id}"


class PaymentMapping(models.Model):
    """A payment gateway of the shop and its FLOWii payment method."""

    gateway_id = models.CharField(_("gateway"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    enabled = models.BooleanField(_("enabled in the shop"), default=True)
    gone = models.BooleanField(_("gone from the shop"), default=False)
    flowii_payment_method_id = models.BigIntegerField(
        _("FLOWii payment method"), null=True, blank=True
    )
    flowii_payment_method_name = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("payment mapping")
        verbose_name_plural = _("payments")
        ordering = ["gateway_id"]

    def __str__(self):
        return f"{self.title} ({self.gateway_id})"


class Link(models.Model):
    """The binder: one shop record and the FLOWii record it is in step with."""

    class Kind(models.TextChoices):
        CATEGORY = "category", _("category")
        PRODUCT = "product", _("product")
        CUSTOMER = "customer", _("customer")
        GUEST = "guest", _("guest buyer")
        ORDER = "order", _("order")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Guests have no shop id; their key is the normalised billing e-mail (or name).
    shop_id = models.CharField(_("shop id"), max_length=255)
    flowii_id = models.BigIntegerField(_("FLOWii id"))
    flowii_number = models.CharField(_("FLOWii number"), max_length=100, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    # Products: the variable product a linked variation belongs to (its writes go there).
    shop_parent_id = models.CharField(_("shop parent product"), max_length=255, blank=True)
    shop_modified = models.DateTimeField(_("shop record modified"), null=True, blank=True)
    # Buyers: the partner's own days to pay (`invoice-maturity`) as FLOWii last gave them, so
    # a returning buyer's order gets them without reading the partner again.
    days_to_pay = models.PositiveIntegerField(_("partner's days to pay"), null=True, blank=True)
    # Write-back of the FLOWii order number to the shop still to do (orders only).
    needs_write_back = models.BooleanField(default=False)
    # Orders: the note repeating FLOWii's number is being added (set before it is sent), so a
    # process killed meanwhile leaves a trace: the next run says the note may be missing.
    note_pending = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)
    synced_at = models.DateTimeField(_("last synced"), default=timezone.now)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.UniqueConstraint(fields=["kind", "shop_id"], name="unique_shop_record"),
        ]
        indexes = [models.Index(fields=["kind", "flowii_id"])]
        ordering = ["-synced_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.shop_id} ↔ {self.flowii_number or self.flowii_id}"


class OrderExport(models.Model):
    """One shop order's way into FLOWii, which has no idempotency: the intent is recorded
    before the create is sent, so an answer that never came can be settled from what FLOWii
    shows instead of being sent again."""

    class State(models.TextChoices):
        # The create is being sent (or the process died while it was).
        SENDING = "sending", _("being sent")
        # The create was sent and no answer came: it may or may not exist in FLOWii.
        UNKNOWN = "unknown", _("outcome unknown")
        # Settling found several FLOWii documents it could be: the operator decides.
        NEEDS_OPERATOR = "operator", _("waits for the operator")
        EXPORTED = "exported", _("exported")

    shop_order_id = models.CharField(_("shop order"), max_length=64, unique=True)
    shop_number = models.CharField(_("shop order number"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    partner_id = models.BigIntegerField(_("FLOWii partner"))
    total = models.DecimalField(_("shop total"), max_digits=14, decimal_places=2)
    flowii_document_id = models.BigIntegerField(_("FLOWii document"), null=True, blank=True)
    flowii_number = models.CharField(_("FLOWii number"), max_length=100, blank=True)
    flowii_total = models.DecimalField(
        _("FLOWii total"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # FLOWii's total read back differs from the shop's.
    total_differs = models.BooleanField(_("total differs"), default=False)
    creates_sent = models.PositiveSmallIntegerField(_("creates sent"), default=0)
    # What settling found, for the operator: [{"id", "serial_nr", "total"}...].
    candidates = models.JSONField(default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    # When the last create went out: settling sends again only once a create that never
    # answered can no longer land (null: before this was recorded, long ago).
    sent_at = models.DateTimeField(_("last create sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("first attempt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        verbose_name = _("order export")
        verbose_name_plural = _("order exports")
        indexes = [models.Index(fields=["state"]), models.Index(fields=["partner_id"])]

    def __str__(self):
        return f"{self.shop_number or self.shop_order_id}: {self.get_state_display()}"


class SyncRun(models.Model):
    """One run of a stream (or of all of them): who started it, how it went, its counts."""

    class Kind(models.TextChoices):
        PRODUCTS = "products", _("Products and categories")
        CUSTOMERS = "customers", _("Customers")
        ORDERS = "orders", _("New orders")
        HISTORIC_ORDERS = "historic-orders", _("Earlier orders")
        ALL = "all", _("Everything")
        RESEND = "resend", _("Send one order again")
        WEBHOOK_ORDERS = "webhook-orders", _("Orders the shop announced")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("schedule")
        BUTTON = "button", _("button")
        COMMAND = "command", _("command line")
        WEBHOOK = "webhook", _("shop's webhook")

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        PARTLY_FAILED = "partly_failed", _("partly failed")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    full = models.BooleanField(_("full"), default=False)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.RUNNING
    )
    reason = models.TextField(_("reason"), blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    read = models.PositiveIntegerField(_("read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    progress_label = models.CharField(_("now"), max_length=200, blank=True)
    # The counts per kind of record: {"order": {"created": 3, ...}, "partner": {...}}.
    counts_by_kind = models.JSONField(default=dict, blank=True)
    # The reason as a code with its values, to be shown in the reader's language.
    reason_code = models.CharField(max_length=100, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)

    COUNTS = ("read", "created", "updated", "unchanged", "skipped", "failed")

    class Meta:
        verbose_name = _("run")
        verbose_name_plural = _("synchronisation")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["started_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def counts(self) -> dict:
        return {name: getattr(self, name) for name in self.COUNTS}

    @property
    def reason_text(self) -> str:
        """The reason in the language active now."""
        if self.reason_code:
            from .wording import render

            return render(self.reason_code, self.reason_params)
        return self.reason


class SyncLog(models.Model):
    """One line of a run's log: a record touched or failed on, or a note on the run."""

    class Level(models.TextChoices):
        INFO = "info", _("info")
        WARNING = "warning", _("warning")
        ERROR = "error", _("error")

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="logs", null=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=10, blank=True, choices=Link.Kind.choices)
    shop_id = models.CharField(_("shop id"), max_length=255, blank=True, db_index=True)
    flowii_id = models.CharField(_("FLOWii id"), max_length=64, blank=True, db_index=True)
    message = models.TextField(_("message"))
    # What happened as a code with its values: the page renders it in the reader's language.
    # Rows without a code (written before codes existed) show their stored message.
    code = models.CharField(max_length=100, blank=True, db_index=True)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("logs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.message[:80]

    @property
    def text(self) -> str:
        """The line in the language active now."""
        if self.code:
            from .wording import render

            return render(self.code, self.params)
        return self.message


class Bookmark(models.Model):
    """How far a stream has read: the newest modification time seen in its last good run."""

    stream = models.CharField(max_length=50, unique=True)
    value = models.DateTimeField(null=True, blank=True)
    # The remote's clock when the last good run began reading, less the time a write takes to
    # become visible: everything modified before it was surely seen by that read.
    seen_all_until = models.DateTimeField(null=True, blank=True)
    # For reads in id order (the shop's customers have no date filter): the highest id the
    # last good read went through.
    position = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.stream}: {self.value}"


class Retry(models.Model):
    """A FLOWii record that did not go over (it failed, or was left out for its category):
    read again by its id on the next run, so the stream's bookmark need not wait for it."""

    kind = models.CharField(_("kind"), max_length=10, choices=Link.Kind.choices)
    flowii_id = models.BigIntegerField(_("FLOWii id"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)  # the refusal's code
    since = models.DateTimeField(_("failing since"), default=timezone.now)

    class Meta:
        verbose_name = _("record to try again")
        verbose_name_plural = _("records to try again")
        constraints = [
            models.UniqueConstraint(fields=["kind", "flowii_id"], name="unique_retry"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.flowii_id}: {self.reason}"


class Alert(models.Model):
    """A problem the owner was told about by e-mail: one mail when it starts, none while it
    lasts, and it is closed when it is over (so a new one can be told again)."""

    problem = models.CharField(_("problem"), max_length=100)
    # The code and values of the problem's sentence (rendered in the reader's language).
    params = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    mailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["problem", "ended_at"])]

    def __str__(self):
        return f"{self.problem} since {self.started_at:%Y-%m-%d %H:%M}"


class RunLock(models.Model):
    """A lock row per stream; held by one run at a time across processes and machines.
    A run that died leaves a lock that expires, and the next run may take it over."""

    name = models.CharField(max_length=50, unique=True)
    run = models.ForeignKey(SyncRun, on_delete=models.SET_NULL, null=True)
    holder = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} held by {self.holder} until {self.expires_at}"


class WebhookState(models.Model):
    """The shop's webhooks as the connector knows them (one record): the secret their
    deliveries are signed with, when the last one came, and the webhooks the connector made
    in the shop itself (to remove them again)."""

    secret = EncryptedTextField(_("webhook secret"), blank=True)
    secret_renewed_at = models.DateTimeField(null=True, blank=True)
    last_delivery_at = models.DateTimeField(_("last delivery"), null=True, blank=True)
    last_delivery_topic = models.CharField(max_length=50, blank=True)
    last_ping_at = models.DateTimeField(null=True, blank=True)
    # The last delivery refused for a wrong or missing signature (a secret not pasted right).
    last_refused_at = models.DateTimeField(null=True, blank=True)
    # The shop's ids of the webhooks the connector made (Settings > Create the webhooks).
    shop_webhook_ids = models.JSONField(default=list, blank=True)
    # When webhooks were first known to be set up: made by the connector, or the first
    # signed delivery; the silence warning counts from here.
    set_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook state")

    def __str__(self):
        return f"webhooks, last delivery {self.last_delivery_at}"

    @classmethod
    def load(cls) -> WebhookState:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class DeliveredOrder(models.Model):
    """A shop order a webhook announced, waiting for its export: one row per order however
    often the shop delivers it, taken (deleted) by the run that exports it."""

    shop_order_id = models.CharField(max_length=64, unique=True)
    topic = models.CharField(max_length=50, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at"]

    def __str__(self):
        return f"order {self.shop_order_id} ({self.topic})"


class PreviewProgress(models.Model):
    """How far a preview has got, by its django-q task: its run counts its progress in a
    database thrown away afterwards (connector/preview_db.py), which the preview's page cannot
    read, so the task copies the latest figures here every second. Deleted when the preview
    ends; a row a stopped worker left behind is purged by age (connector/preview_progress.py)."""

    task = models.CharField(max_length=32, primary_key=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("preview progress")

    def __str__(self):
        return f"preview {self.task}: {self.done} / {self.total}"
