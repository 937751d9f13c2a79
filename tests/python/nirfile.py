"""A small NIR writer and the NIR equations in numpy, for the import tests.

The writer follows the NIR 1.0 layout of nir/serialization.py (write(),
and NIRNode.to_dict): the root holds `version` (a variable-length string)
and the group `node`; a graph node has `type` = "NIRGraph", the group
`nodes` with one group per node (a string `type` and its parameters as
datasets, gzip-compressed like nir.write does) and `edges`, an N x 2 array
of node names.  The reference runs the same graph with forward Euler at dt,
independently of snnc's translation.
"""

import h5py
import numpy as np


def node(type_, **params):
    return {"type": type_, **params}


def write(path, nodes, edges, version="1.0.6", metadata=None, compression="gzip",
          fixed_strings=False):
    """Writes {name: node(...)} and [(source, target)] as a .nir file."""
    with h5py.File(path, "w") as f:
        f.create_dataset("version", data=version, dtype=h5py.string_dtype())
        root = f.create_group("node")
        root.create_dataset("type", data="NIRGraph", dtype=h5py.string_dtype())
        group = root.create_group("nodes")
        for name, spec in nodes.items():
            g = group.create_group(name)
            for key, value in spec.items():
                if isinstance(value, str):
                    g.create_dataset(key, data=value, dtype=h5py.string_dtype())
                else:
                    value = np.asarray(value)
                    g.create_dataset(key, data=value, compression=compression
                                     if value.ndim else None)
        if fixed_strings:
            width = max((len(n) for e in edges for n in e), default=1)
            data = np.array(edges, dtype=f"S{width}").reshape(-1, 2)
            root.create_dataset("edges", data=data)
        else:
            root.create_dataset("edges", data=np.array(edges, dtype=object).reshape(-1, 2),
                                dtype=h5py.string_dtype())
        if metadata:
            meta = root.create_group("metadata")
            for key, value in metadata.items():
                meta.create_dataset(key, data=value)


def _conv2d(x, w, b, stride, padding, dilation):
    """x [N, C, H, W], w [O, C, kh, kw]; zero padding (ph, pw)."""
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    ph, pw = padding
    xp = np.zeros((n, c, h + 2 * ph, wd + 2 * pw), dtype=np.float64)
    xp[:, :, ph:ph + h, pw:pw + wd] = x
    oh = (h + 2 * ph - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + 2 * pw - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, o, oh, ow))
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i * dilation[0]:i * dilation[0] + stride[0] * (oh - 1) + 1:stride[0],
                       j * dilation[1]:j * dilation[1] + stride[1] * (ow - 1) + 1:stride[1]]
            out += np.einsum("nchw,oc->nohw", patch, w[:, :, i, j])
    return out + (0 if b is None else b.reshape(1, -1, 1, 1))


def _pool(x, kernel, stride, padding, mean):
    n, c, h, w = x.shape
    ph, pw = padding
    xp = np.zeros((n, c, h + 2 * ph, w + 2 * pw))
    xp[:, :, ph:ph + h, pw:pw + w] = x
    oh = (h + 2 * ph - kernel[0]) // stride[0] + 1
    ow = (w + 2 * pw - kernel[1]) // stride[1] + 1
    out = np.zeros((n, c, oh, ow))
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            out += xp[:, :, i:i + stride[0] * (oh - 1) + 1:stride[0],
                      j:j + stride[1] * (ow - 1) + 1:stride[1]]
    return out / (kernel[0] * kernel[1]) if mean else out


def _pair(v):
    v = np.asarray(v).reshape(-1)
    return (int(v[0]), int(v[-1]))


def _broadcast(value, shape):
    """A neuron parameter over one sample's neurons."""
    v = np.asarray(value, dtype=np.float64)
    if v.size == 1:
        return np.full(shape, float(v.reshape(-1)[0]))
    if v.size == shape[0] and len(shape) > 1:
        return v.reshape((shape[0],) + (1,) * (len(shape) - 1)) * np.ones(shape)
    return v.reshape(shape)


def simulate(nodes, edges, x_steps, dt):
    """Runs the graph on [T, N, ...] inputs: the NIR equations with forward
    Euler; returns the Output's mean over T, [N, K]."""
    order, sources = [], {}
    for a, b in edges:
        sources.setdefault(b, []).append(a)
    pending = set(nodes)
    while pending:
        ready = sorted(n for n in pending if all(s in order for s in sources.get(n, [])))
        order.append(ready[0])
        pending.remove(ready[0])
    state, outs = {}, []
    for x in x_steps:
        val = {}
        for name in order:
            spec = nodes[name]
            t = spec["type"]
            if t == "Input":
                val[name] = x.astype(np.float64)
                continue
            inp = sum(val[s] for s in sources[name])
            if t == "Affine":
                val[name] = inp @ np.asarray(spec["weight"], np.float64).T + spec["bias"]
            elif t == "Linear":
                val[name] = inp @ np.asarray(spec["weight"], np.float64).T
            elif t == "Scale":
                val[name] = inp * _broadcast(spec["scale"], inp.shape[1:])
            elif t == "Conv2d":
                pad = spec.get("padding", 0)
                w = np.asarray(spec["weight"], np.float64)
                if isinstance(pad, str):
                    pad = (0, 0) if pad == "valid" else ((w.shape[2] - 1) // 2, (w.shape[3] - 1) // 2)
                val[name] = _conv2d(inp, w, spec.get("bias"), _pair(spec["stride"]),
                                    _pair(pad), _pair(spec["dilation"]))
            elif t in ("AvgPool2d", "SumPool2d"):
                val[name] = _pool(inp, _pair(spec["kernel_size"]), _pair(spec["stride"]),
                                  _pair(spec["padding"]), t == "AvgPool2d")
            elif t == "Flatten":
                val[name] = inp.reshape(inp.shape[0], -1)
            elif t in ("LIF", "IF", "Threshold"):
                shape = inp.shape[1:]
                if t == "Threshold":
                    val[name] = (inp > _broadcast(spec["threshold"], shape)).astype(np.float64)
                    continue
                v = state.get(name, np.zeros_like(inp))
                r = _broadcast(spec["r"], shape)
                if t == "LIF":
                    tau = _broadcast(spec["tau"], shape)
                    v = v + dt / tau * (-v + r * inp)
                else:
                    v = v + dt * r * inp
                z = (v > _broadcast(spec["v_threshold"], shape)).astype(np.float64)
                state[name] = np.where(z > 0, 0.0, v)
                val[name] = z
            elif t == "Output":
                val[name] = inp
                outs.append(inp)
    return np.mean(outs, axis=0)
