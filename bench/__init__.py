"""The benchmark behind `make bench`: the connector against a per-record reference client on
the simulated shop and FLOWii account, with requests, wall time, peak memory and targets."""
