"""`load_network`: the shipped reference network or an operator's file, cached.

Above both `routing.network` (the graph) and `routing.io` (operator files), so neither
imports the other.
"""

from __future__ import annotations

from pathlib import Path

from .errors import NetworkDataError
from .io import read_operator_network
from .network import Network, reference_records

__all__ = ["load_network"]

_CACHE: dict[tuple, Network] = {}


def load_network(path: str | Path | None = None, *, merge: bool = True) -> Network:
    """Load the shipped reference network, or an operator network file.

    Parameters
    ----------
    path : str or Path, optional
        None for the reference world network (cached: later calls are instant).
        Otherwise an operator network: a ``.json`` file, a ``.csv`` file (ports or
        lanes, told apart by the header) or a directory holding ``ports.csv`` and/or
        ``lanes.csv``. The format is documented in ``docs/ROUTING.md``.
    merge : bool
        Merge the operator network with the reference network (operator ports
        replace same-code ports, operator lanes replace the same from/to/service);
        False uses the operator network alone.

    Returns
    -------
    Network

    Raises
    ------
    NetworkDataError
        If a file is missing or invalid; the message names the file, line and value.

    Examples
    --------
    >>> net = load_network()
    >>> net.ports["CNSHA"].name
    'Shanghai'
    >>> net.network_hash.startswith("0x") and len(net.network_hash) == 66
    True
    """
    if path is None:
        key: tuple = ("reference",)
    else:
        p = Path(path)
        try:
            stat = p.stat()
        except OSError as err:
            raise NetworkDataError(f"{path}: network file not found ({err.strerror})") from err
        key = (str(p.resolve()), stat.st_mtime_ns, stat.st_size, merge)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    if path is None:
        ports, lanes, carriers, services, digest, hubs, components = reference_records()
        net = Network(ports, lanes, digest, carriers, services, hubs)
        net.land_components = components
    else:
        net = read_operator_network(Path(path), merge=merge)
    _CACHE[key] = net
    return net
