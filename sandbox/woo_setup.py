"""The simulated shop's setup as WooCommerce 10's REST API shows and changes it: settings
groups, tax rates, shipping zones with their locations and methods, shipping method types
and payment gateways."""

from __future__ import annotations

import copy
from decimal import Decimal

from .woo_core import (
    EDIT_METHODS,
    Params,
    Shop,
    WooError,
    as_bool,
    as_int,
    decimal_or_none,
    english_list,
    invalid_param,
    links,
    missing_params,
    page_params,
    paginate,
)
from .woo_shop_data import PAYMENT_GATEWAYS, SETTINGS, SHIPPING_METHOD_TYPES

GROUP_LABELS = {"general": "General", "products": "Products", "tax": "Tax"}
TAX_CLASSES = {"standard": "", "reduced-rate": "reduced-rate", "zero-rate": "zero-rate"}
REST_OF_WORLD = "Locations not covered by your other zones"


# -- settings ------------------------------------------------------------------------------


def _group(group: str) -> dict:
    if group not in SETTINGS:
        raise WooError(404, "rest_setting_setting_group_invalid", "Invalid setting group.")
    return SETTINGS[group]


def list_groups(shop: Shop) -> list[dict]:
    home = shop.home()
    return [
        {
            "id": group,
            "label": GROUP_LABELS.get(group, group.title()),
            "description": "",
            "parent_id": "",
            "sub_groups": [],
            "_links": {"options": [{"href": f"{home}/wp-json/wc/v3/settings/{group}"}]},
        }
        for group in SETTINGS
    ]


def render_setting(shop: Shop, group: str, option_id: str) -> dict:
    spec = _group(group).get(option_id)
    if spec is None:
        raise WooError(404, "rest_setting_setting_invalid", "Invalid setting.")
    shown = {**copy.deepcopy(spec), "value": shop.settings[option_id], "group_id": group}
    shown["_links"] = links(
        shop.home(), f"settings/{group}/{option_id}", f"settings/{group}", allow=EDIT_METHODS
    )
    return shown


def list_settings(shop: Shop, group: str) -> list[dict]:
    return [render_setting(shop, group, option_id) for option_id in _group(group)]


def update_setting(shop: Shop, group: str, option_id: str, data: dict) -> dict:
    spec = _group(group).get(option_id)
    if spec is None:
        raise WooError(404, "rest_setting_setting_invalid", "Invalid setting.")
    if "value" not in data:
        raise missing_params("value")
    shop.settings[option_id] = setting_value(spec, data["value"])
    return render_setting(shop, group, option_id)


def setting_value(spec: dict, value) -> str:
    """The value as WooCommerce stores it, or the refusal for a value the setting cannot take."""
    kind = spec["type"]
    if kind == "checkbox":
        flag = as_bool(value) if not isinstance(value, str) or value not in ("yes", "no") else None
        if isinstance(value, str) and value in ("yes", "no"):
            return value
        if flag is None:
            raise _bad_value()
        return "yes" if flag else "no"
    text = "" if value is None else str(value)
    if kind in ("select", "radio") and text not in spec.get("options", {}):
        raise _bad_value()
    if kind == "number" and decimal_or_none(text) is None:
        raise _bad_value()
    return text


def _bad_value() -> WooError:
    return WooError(400, "rest_setting_value_invalid", "An invalid setting value was passed.")


def apply_settings(shop: Shop, values: dict) -> None:
    for option_id, value in values.items():
        shop.settings[option_id] = str(value)


# -- tax rates -----------------------------------------------------------------------------


def tax_or_404(shop: Shop, rate_id) -> dict:
    rate = shop.tax_rates.get(as_int(rate_id) or 0)
    if rate is None:
        raise WooError(404, "woocommerce_rest_invalid_id", "Invalid resource ID.")
    return rate


def _tax_class(value) -> str:
    if value in (None, ""):
        return ""
    if value not in TAX_CLASSES:
        raise invalid_param(
            "class", f"class is not one of {english_list(TAX_CLASSES)}.", "rest_not_in_enum"
        )
    return TAX_CLASSES[value]


def _apply_tax(rate: dict, data: dict) -> None:
    if "country" in data:
        rate["country"] = str(data["country"] or "").strip().upper()
    for field in ("state", "postcode", "city", "name"):
        if field in data:
            rate[field] = str(data[field] or "")
    if "rate" in data:
        rate["rate"] = f"{decimal_or_none(data['rate']) or Decimal(0):.4f}"
    for field in ("priority", "order"):
        if field in data:
            rate[field] = as_int(data[field]) or 0
    for field in ("compound", "shipping"):
        if field in data:
            rate[field] = bool(as_bool(data[field]))
    if "class" in data:
        rate["class"] = _tax_class(data["class"])


def create_tax(shop: Shop, data: dict) -> dict:
    rate = {
        "id": 0, "country": "", "state": "", "postcode": "", "city": "", "rate": "0.0000",
        "name": "", "priority": 1, "compound": False, "shipping": True, "order": 0, "class": "",
    }  # fmt: skip
    _apply_tax(rate, data)
    rate["id"] = shop.next_id("tax")
    shop.tax_rates[rate["id"]] = rate
    return rate


def update_tax(shop: Shop, rate_id, data: dict) -> dict:
    rate = tax_or_404(shop, rate_id)
    _apply_tax(rate, data)
    return rate


def delete_tax(shop: Shop, rate_id, force: bool) -> dict:
    rate = tax_or_404(shop, rate_id)
    if not force:
        raise WooError(
            501, "woocommerce_rest_trash_not_supported", "Taxes do not support trashing."
        )
    shown = render_tax(shop, rate)
    del shop.tax_rates[rate["id"]]
    return shown


def render_tax(shop: Shop, rate: dict) -> dict:
    shown = {k: v for k, v in rate.items() if k != "class"}
    shown["class"] = rate["class"] or "standard"
    shown["postcodes"] = [rate["postcode"]] if rate["postcode"] else []
    shown["cities"] = [rate["city"]] if rate["city"] else []
    shown["_links"] = links(shop.home(), f"taxes/{rate['id']}", "taxes")
    return shown


def list_taxes(shop: Shop, p: Params):
    page, per_page, offset = page_params(p)
    orderby = p.enum("orderby", ("id", "order", "priority"), "order")
    descending = p.enum("order", ("asc", "desc"), "asc") == "desc"
    p.check()
    wanted = p.raw("class")
    found = [
        r for r in shop.tax_rates.values()
        if wanted in (None, "") or (r["class"] or "standard") == wanted
    ]  # fmt: skip
    found.sort(key=lambda r: (r[orderby], r["id"]), reverse=descending)
    items, total, pages = paginate(found, page, per_page, offset)
    return items, total, pages, page


# -- shipping zones and methods -------------------------------------------------------------


def add_rest_of_world(shop: Shop) -> None:
    shop.zones[0] = {"id": 0, "name": REST_OF_WORLD, "order": 0, "locations": []}


def zone_or_404(shop: Shop, zone_id) -> dict:
    zone = shop.zones.get(as_int(zone_id) if as_int(zone_id) is not None else -1)
    if zone is None:
        raise WooError(404, "woocommerce_rest_shipping_zone_invalid", "Invalid resource ID.")
    return zone


def create_zone(shop: Shop, data: dict) -> dict:
    if not data.get("name"):
        raise missing_params("name")
    zone = {
        "id": shop.next_id("zone"),
        "name": str(data["name"]),
        "order": as_int(data.get("order")) or 0,
        "locations": [],
    }
    shop.zones[zone["id"]] = zone
    return zone


def update_zone(shop: Shop, zone_id, data: dict) -> dict:
    zone = zone_or_404(shop, zone_id)
    if zone["id"] == 0:
        raise _rest_of_world_fixed()
    if data.get("name"):
        zone["name"] = str(data["name"])
    if "order" in data:
        zone["order"] = as_int(data["order"]) or 0
    return zone


def delete_zone(shop: Shop, zone_id, force: bool) -> dict:
    zone = zone_or_404(shop, zone_id)
    if zone["id"] == 0:
        raise _rest_of_world_fixed()
    if not force:
        raise WooError(
            501, "woocommerce_rest_trash_not_supported", "Zones do not support trashing."
        )
    shown = render_zone(shop, zone)
    del shop.zones[zone["id"]]
    for instance_id in [i for i, m in shop.zone_methods.items() if m["zone_id"] == zone["id"]]:
        del shop.zone_methods[instance_id]
    return shown


def _rest_of_world_fixed() -> WooError:
    return WooError(
        403,
        "woocommerce_rest_shipping_zone_invalid_zone",
        'The "locations not covered by your other zones" zone cannot be updated.',
    )


def render_zone(shop: Shop, zone: dict) -> dict:
    path = f"shipping/zones/{zone['id']}"
    return {
        "id": zone["id"],
        "name": zone["name"],
        "order": zone["order"],
        "_links": {
            **links(shop.home(), path, "shipping/zones"),
            "describedby": [{"href": f"{shop.home()}/wp-json/wc/v3/{path}/locations"}],
        },
    }


def list_zones(shop: Shop) -> list[dict]:
    others = sorted(
        (z for z in shop.zones.values() if z["id"]), key=lambda z: (z["order"], z["id"])
    )
    return [shop.zones[0], *others]


def render_locations(shop: Shop, zone: dict) -> list[dict]:
    path = f"shipping/zones/{zone['id']}"
    home = shop.home()
    return [
        {
            "code": location["code"],
            "type": location["type"],
            "_links": {
                "collection": [{"href": f"{home}/wp-json/wc/v3/{path}/locations"}],
                "describes": [{"href": f"{home}/wp-json/wc/v3/{path}"}],
            },
        }
        for location in zone["locations"]
    ]


def set_locations(shop: Shop, zone_id, given) -> dict:
    zone = zone_or_404(shop, zone_id)
    if zone["id"] == 0:
        raise _rest_of_world_fixed()
    if not isinstance(given, list):
        raise invalid_param("locations", "locations is not of type array.", "rest_invalid_type")
    zone["locations"] = [
        {"code": str(loc.get("code") or ""), "type": loc.get("type") or "country"}
        for loc in given
        if isinstance(loc, dict) and loc.get("code")
    ]
    return zone


def method_or_404(shop: Shop, zone: dict, instance_id) -> dict:
    method = shop.zone_methods.get(as_int(instance_id) or 0)
    if method is None or method["zone_id"] != zone["id"]:
        raise WooError(
            404, "woocommerce_rest_shipping_zone_method_invalid", "Resource does not exist."
        )
    return method


def create_method(shop: Shop, zone_id, data: dict) -> dict:
    zone = zone_or_404(shop, zone_id)
    if not data.get("method_id"):
        raise missing_params("method_id")
    method_type = SHIPPING_METHOD_TYPES.get(data["method_id"])
    if method_type is None:
        raise WooError(
            400, "woocommerce_rest_shipping_zone_method_invalid", "Resource cannot be created."
        )
    in_zone = [m for m in shop.zone_methods.values() if m["zone_id"] == zone["id"]]
    method = {
        "instance_id": shop.next_id("instance"),
        "zone_id": zone["id"],
        "method_id": data["method_id"],
        "order": max((m["order"] for m in in_zone), default=0) + 1,
        "enabled": True,
        "values": {key: spec["value"] for key, spec in method_type["settings"].items()},
    }
    _apply_method(method, data)
    shop.zone_methods[method["instance_id"]] = method
    return method


def _apply_method(method: dict, data: dict) -> None:
    if "enabled" in data:
        method["enabled"] = bool(as_bool(data["enabled"]))
    if "order" in data:
        method["order"] = as_int(data["order"]) or 0
    if isinstance(data.get("settings"), dict):
        for key, value in data["settings"].items():
            if key in method["values"]:
                method["values"][key] = "" if value is None else str(value)


def update_method(shop: Shop, zone_id, instance_id, data: dict) -> dict:
    method = method_or_404(shop, zone_or_404(shop, zone_id), instance_id)
    _apply_method(method, data)
    return method


def delete_method(shop: Shop, zone_id, instance_id, force: bool) -> dict:
    method = method_or_404(shop, zone_or_404(shop, zone_id), instance_id)
    if not force:
        raise WooError(
            501, "woocommerce_rest_trash_not_supported", "Shipping methods do not support trashing."
        )
    shown = render_method(shop, method)
    del shop.zone_methods[method["instance_id"]]
    return shown


def render_method(shop: Shop, method: dict, just_created: bool = False) -> dict:
    method_type = SHIPPING_METHOD_TYPES[method["method_id"]]
    settings = copy.deepcopy(method_type["settings"])
    for key, spec in settings.items():
        spec["value"] = method["values"][key]
    # A method answers its creation with the title it had before its settings were saved.
    title = method_type["title"] if just_created else method["values"].get("title", "")
    path = f"shipping/zones/{method['zone_id']}/methods"
    return {
        "id": method["instance_id"],
        "instance_id": method["instance_id"],
        "title": title,
        "order": method["order"],
        "enabled": method["enabled"],
        "method_id": method["method_id"],
        "method_title": method_type["method_title"],
        "method_description": method_type["method_description"],
        "settings": settings,
        "_links": links(
            shop.home(),
            f"{path}/{method['instance_id']}",
            path,
            describes=f"shipping/zones/{method['zone_id']}",
        ),
    }


def list_methods(shop: Shop, zone_id) -> list[dict]:
    zone = zone_or_404(shop, zone_id)
    found = [m for m in shop.zone_methods.values() if m["zone_id"] == zone["id"]]
    return sorted(found, key=lambda m: (m["order"], m["instance_id"]))


def add_zone(shop: Shop, payload: dict) -> None:
    """A zone from the seed: the zone, its locations and its methods in one go."""
    zone = create_zone(shop, payload)
    set_locations(shop, zone["id"], payload.get("locations") or [])
    for method in payload.get("methods") or []:
        settings = dict(method.get("settings") or {})
        if method.get("title"):
            settings.setdefault("title", method["title"])
        create_method(shop, zone["id"], {**method, "settings": settings})


def shipping_method_types(shop: Shop) -> list[dict]:
    return [
        {
            "id": method_id,
            "title": spec["method_title"],
            "description": spec["method_description"],
            "_links": links(shop.home(), f"shipping_methods/{method_id}", "shipping_methods"),
        }
        for method_id, spec in SHIPPING_METHOD_TYPES.items()
    ]


# -- payment gateways -----------------------------------------------------------------------


def add_gateway(shop: Shop, gateway_id: str, title: str = "", enabled: bool = False) -> dict:
    template = PAYMENT_GATEWAYS.get(gateway_id) or {
        "id": gateway_id,
        "title": title or gateway_id,
        "description": "",
        "order": "",
        "enabled": False,
        "method_title": title or gateway_id,
        "method_description": "",
        "method_supports": ["products"],
        "settings": {
            "title": {
                "id": "title", "label": "Title",
                "description": "This controls the title which the user sees during checkout.",
                "type": "safe_text", "value": title or gateway_id, "default": title or gateway_id,
                "tip": "This controls the title which the user sees during checkout.",
                "placeholder": "",
            }
        },
        "needs_setup": False,
        "post_install_scripts": [],
        "settings_url": "{home}/wp-admin/admin.php?page=wc-settings&tab=checkout&section="
        + gateway_id,
        "connection_url": None,
        "setup_help_text": None,
        "required_settings_keys": [],
    }  # fmt: skip
    gateway = {
        "id": gateway_id,
        "template": template,
        "enabled": enabled,
        "description": template["description"],
        "order": template["order"],
        "values": {key: spec["value"] for key, spec in template["settings"].items()},
    }
    if title:
        gateway["values"]["title"] = title
    shop.gateways[gateway_id] = gateway
    return gateway


def gateway_or_404(shop: Shop, gateway_id: str) -> dict:
    gateway = shop.gateways.get(gateway_id)
    if gateway is None:
        raise WooError(
            404, "woocommerce_rest_payment_gateway_invalid", "Invalid payment gateway ID."
        )
    return gateway


def update_gateway(shop: Shop, gateway_id: str, data: dict) -> dict:
    gateway = gateway_or_404(shop, gateway_id)
    if "enabled" in data:
        gateway["enabled"] = bool(as_bool(data["enabled"]))
    if "title" in data:
        gateway["values"]["title"] = str(data["title"] or "")
    if "description" in data:
        gateway["description"] = str(data["description"] or "")
    if "order" in data:
        gateway["order"] = as_int(data["order"]) or 0
    if isinstance(data.get("settings"), dict):
        for key, value in data["settings"].items():
            if key in gateway["values"]:
                gateway["values"][key] = "" if value is None else str(value)
    return gateway


def render_gateway(shop: Shop, gateway: dict) -> dict:
    template = copy.deepcopy(gateway["template"])
    for key, spec in template["settings"].items():
        spec["value"] = gateway["values"][key]
    if "enable_for_methods" in template["settings"]:
        template["settings"]["enable_for_methods"]["options"] = _cod_method_choices(shop)
    home = shop.home()
    return {
        **template,
        "title": gateway["values"].get("title", template["title"]),
        "description": gateway["description"],
        "order": gateway["order"],
        "enabled": gateway["enabled"],
        "settings_url": template["settings_url"].replace("{home}", home),
        "_links": links(
            home, f"payment_gateways/{gateway['id']}", "payment_gateways", allow=EDIT_METHODS
        ),
    }


def _cod_method_choices(shop: Shop) -> dict:
    """Cash on delivery offers each method type and each zone's instance of it."""
    choices: dict[str, dict] = {}
    for method_id, spec in SHIPPING_METHOD_TYPES.items():
        group = choices.setdefault(spec["method_title"], {})
        if method_id == "local_pickup":
            group["pickup_location"] = "Any &quot;Local pickup&quot; method"
            continue
        group[method_id] = f"Any &quot;{spec['method_title']}&quot; method"
        for method in list_all_methods(shop, method_id):
            zone = shop.zones.get(method["zone_id"], {"name": ""})
            title = method["values"].get("title", "")
            group[f"{method_id}:{method['instance_id']}"] = (
                f"{zone['name']} &ndash; {title} (#{method['instance_id']})"
            )
    return choices


def list_all_methods(shop: Shop, method_id: str) -> list[dict]:
    return [m for m in shop.zone_methods.values() if m["method_id"] == method_id]
