"""The sandbox: simulated WooCommerce and FLOWii servers over real HTTP on loopback.

Only this package knows the two remote systems are fake."""
