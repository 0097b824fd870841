"""NumPy references: the same updates as the numba kernels, vectorised over chains.

This is what a user writes without numba: broadcasting over (chains, terms), NumPy's random
generator, the positions and energies of every step stored, exactly as the kernels store them.
"""

import numpy as np

MB_A = np.array([-200.0, -100.0, -170.0, 15.0])
MB_a = np.array([-1.0, -1.0, -6.5, 0.7])
MB_b = np.array([0.0, 0.0, 11.0, 0.6])
MB_c = np.array([-10.0, -10.0, -6.5, 0.7])
MB_X0 = np.array([1.0, 0.0, -0.5, -1.0])
MB_Y0 = np.array([0.0, 0.5, 1.5, 1.0])


def muller_brown(xy):
    """Energy (n,) and gradient (n, 2) of the Müller–Brown potential."""
    dx = xy[:, :1] - MB_X0
    dy = xy[:, 1:] - MB_Y0
    t = MB_A * np.exp(MB_a * dx**2 + MB_b * dx * dy + MB_c * dy**2)
    gx = (t * (2 * MB_a * dx + MB_b * dy)).sum(axis=1)
    gy = (t * (MB_b * dx + 2 * MB_c * dy)).sum(axis=1)
    return t.sum(axis=1), np.column_stack([gx, gy])


def muller_brown_energy(xy):
    dx = xy[:, :1] - MB_X0
    dy = xy[:, 1:] - MB_Y0
    return (MB_A * np.exp(MB_a * dx**2 + MB_b * dx * dy + MB_c * dy**2)).sum(axis=1)


def _storage(n_steps, start):
    positions = np.empty((n_steps + 1, *start.shape))
    energies = np.empty((n_steps + 1, start.shape[0]))
    return positions, energies


def langevin(start, n_steps, step_size, temperature, rng):
    """x ← x − η∇E + √(2ηT) ξ."""
    x = start.copy()
    e, g = muller_brown(x)
    positions, energies = _storage(n_steps, start)
    positions[0], energies[0] = x, e
    noise = np.sqrt(2 * step_size * temperature)
    for k in range(n_steps):
        x = x - step_size * g + noise * rng.standard_normal(x.shape)
        e, g = muller_brown(x)
        positions[k + 1], energies[k + 1] = x, e
    return positions, energies


def mala(start, n_steps, step_size, temperature, rng):
    x = start.copy()
    e, g = muller_brown(x)
    positions, energies = _storage(n_steps, start)
    positions[0], energies[0] = x, e
    noise = np.sqrt(2 * step_size * temperature)
    for k in range(n_steps):
        xi = rng.standard_normal(x.shape)
        q = x - step_size * g + noise * xi
        qe, qg = muller_brown(q)
        r = x - q + step_size * qg
        log_alpha = -(qe - e) / temperature + 0.5 * (xi**2).sum(1) - (r**2).sum(1) / (
            4 * step_size * temperature)
        accept = np.log(rng.random(len(x))) < log_alpha
        x = np.where(accept[:, None], q, x)
        e = np.where(accept, qe, e)
        g = np.where(accept[:, None], qg, g)
        positions[k + 1], energies[k + 1] = x, e
    return positions, energies


def random_walk_metropolis(start, n_steps, step_size, temperature, rng):
    x = start.copy()
    e = muller_brown_energy(x)
    positions, energies = _storage(n_steps, start)
    positions[0], energies[0] = x, e
    for k in range(n_steps):
        q = x + step_size * rng.standard_normal(x.shape)
        qe = muller_brown_energy(q)
        accept = np.log(rng.random(len(x))) < -(qe - e) / temperature
        x = np.where(accept[:, None], q, x)
        e = np.where(accept, qe, e)
        positions[k + 1], energies[k + 1] = x, e
    return positions, energies


def hmc(start, n_steps, step_size, temperature, rng, n_leapfrog=10):
    x = start.copy()
    e, g = muller_brown(x)
    positions, energies = _storage(n_steps, start)
    positions[0], energies[0] = x, e
    for k in range(n_steps):
        p = np.sqrt(temperature) * rng.standard_normal(x.shape)
        h0 = e + 0.5 * (p**2).sum(1)
        q, qg = x.copy(), g.copy()
        for _ in range(n_leapfrog):
            p = p - 0.5 * step_size * qg
            q = q + step_size * p
            qe, qg = muller_brown(q)
            p = p - 0.5 * step_size * qg
        accept = np.log(rng.random(len(x))) < -(qe + 0.5 * (p**2).sum(1) - h0) / temperature
        x = np.where(accept[:, None], q, x)
        e = np.where(accept, qe, e)
        g = np.where(accept[:, None], qg, g)
        positions[k + 1], energies[k + 1] = x, e
    return positions, energies


def underdamped_langevin(start, n_steps, step_size, temperature, rng, friction=5.0):
    """BAOAB."""
    x = start.copy()
    e, g = muller_brown(x)
    v = np.sqrt(temperature) * rng.standard_normal(x.shape)
    positions, energies = _storage(n_steps, start)
    positions[0], energies[0] = x, e
    decay = np.exp(-friction * step_size)
    noise = np.sqrt(temperature * (1 - decay**2))
    h = step_size
    for k in range(n_steps):
        v = v - 0.5 * h * g
        x = x + 0.5 * h * v
        v = decay * v + noise * rng.standard_normal(x.shape)
        x = x + 0.5 * h * v
        e, g = muller_brown(x)
        v = v - 0.5 * h * g
        positions[k + 1], energies[k + 1] = x, e
    return positions, energies


def parallel_tempering(start, n_steps, step_size, temperature, rng, replicas=8, hottest=30.0):
    """K replicas per chain at T·hottest^(k/(K−1)), each a MALA step, then the neighbour swaps
    of this step's parity (even pairs on even steps); the coldest replica stored."""
    n, k = start.shape[0], replicas
    temps = temperature * hottest ** (np.arange(k) / (k - 1))
    t = np.tile(temps, n)
    x = np.repeat(start, k, axis=0)
    e, g = muller_brown(x)
    positions, energies = _storage(n_steps, start)
    positions[0], energies[0] = x[::k], e[::k]
    noise = np.sqrt(2 * step_size * t)[:, None]
    for step in range(n_steps):
        xi = rng.standard_normal(x.shape)
        q = x - step_size * g + noise * xi
        qe, qg = muller_brown(q)
        r = x - q + step_size * qg
        log_alpha = -(qe - e) / t + 0.5 * (xi**2).sum(1) - (r**2).sum(1) / (4 * step_size * t)
        accept = np.log(rng.random(len(x))) < log_alpha
        x = np.where(accept[:, None], q, x)
        e = np.where(accept, qe, e)
        g = np.where(accept[:, None], qg, g)
        pairs = np.arange(step % 2, k - 1, 2)
        lo = (np.arange(n)[:, None] * k + pairs).ravel()
        hi = lo + 1
        log_ratio = (e[lo] - e[hi]) * (1 / t[lo] - 1 / t[hi])
        swap = np.log(rng.random(lo.size)) < log_ratio
        a, b = lo[swap], hi[swap]
        x[a], x[b] = x[b], x[a].copy()
        e[a], e[b] = e[b], e[a].copy()
        g[a], g[b] = g[b], g[a].copy()
        positions[step + 1], energies[step + 1] = x[::k], e[::k]
    return positions, energies


def stretch_move(start, n_steps, step_size, temperature, rng, walkers=40):
    """Goodman & Weare's stretch move in ensembles of ``walkers`` (n a multiple of it), the two
    halves of each ensemble in turn; a = 1 + step_size."""
    n = start.shape[0]
    groups, half = n // walkers, walkers // 2
    a = 1.0 + step_size
    x = start.reshape(groups, walkers, 2).copy()
    e = muller_brown_energy(x.reshape(-1, 2)).reshape(groups, walkers)
    positions, energies = _storage(n_steps, start)
    positions[0], energies[0] = x.reshape(-1, 2), e.ravel()
    for k in range(n_steps):
        for moving, other in ((slice(0, half), slice(half, walkers)),
                              (slice(half, walkers), slice(0, half))):
            xk, xo = x[:, moving], x[:, other]
            z = ((a - 1.0) * rng.random((groups, half)) + 1.0) ** 2 / a
            j = rng.integers(0, walkers - half, (groups, half))
            xj = np.take_along_axis(xo, j[..., None], axis=1)
            q = xj + z[..., None] * (xk - xj)
            qe = muller_brown_energy(q.reshape(-1, 2)).reshape(groups, half)
            log_alpha = np.log(z) - (qe - e[:, moving]) / temperature
            accept = np.log(rng.random((groups, half))) < log_alpha
            x[:, moving] = np.where(accept[..., None], q, xk)
            e[:, moving] = np.where(accept, qe, e[:, moving])
        positions[k + 1], energies[k + 1] = x.reshape(-1, 2), e.ravel()
    return positions, energies


def svgd(start, n_steps, step_size, temperature, rng, particles=32):
    """SVGD in sets of ``particles`` (n a multiple of it), the RBF kernel with the median
    heuristic h = med²/log n every step, as ``kernels/svgd.py``; rng unused (deterministic)."""
    n = start.shape[0]
    sets = n // particles
    x = start.reshape(sets, particles, 2).copy()
    e, g = muller_brown(x.reshape(-1, 2))
    g = g.reshape(sets, particles, 2)
    positions, energies = _storage(n_steps, start)
    positions[0], energies[0] = x.reshape(-1, 2), e
    upper = np.triu_indices(particles, 1)
    for k in range(n_steps):
        diff = x[:, :, None, :] - x[:, None, :, :]  # x_i − x_j
        d2 = (diff ** 2).sum(-1)
        h = np.median(d2[:, upper[0], upper[1]], axis=1) / np.log(particles)
        kern = np.exp(-d2 / h[:, None, None])
        phi = (kern[..., None] * (2.0 * diff / h[:, None, None, None]
                                  - g[:, None, :, :] / temperature)).sum(2) / particles
        x = x + step_size * phi
        e, g = muller_brown(x.reshape(-1, 2))
        g = g.reshape(sets, particles, 2)
        positions[k + 1], energies[k + 1] = x.reshape(-1, 2), e
    return positions, energies
