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


def demcmc(start, n_steps, step_size, temperature, rng, walkers=40, gamma=1.19,
           jump_every=10):
    """DE-MCMC in ensembles of ``walkers`` (n a multiple of it), the two halves of each in turn:
    y = x_k + γ (x_a − x_b) + ε ξ with a ≠ b from the other half, γ = 1 every ``jump_every``-th
    step; ε = step_size."""
    n = start.shape[0]
    groups, half = n // walkers, walkers // 2
    x = start.reshape(groups, walkers, 2).copy()
    e = muller_brown_energy(x.reshape(-1, 2)).reshape(groups, walkers)
    positions, energies = _storage(n_steps, start)
    positions[0], energies[0] = x.reshape(-1, 2), e.ravel()
    for k in range(n_steps):
        g = 1.0 if jump_every > 0 and (k + 1) % jump_every == 0 else gamma
        for moving, other in ((slice(0, half), slice(half, walkers)),
                              (slice(half, walkers), slice(0, half))):
            xk, xo = x[:, moving], x[:, other]
            a = rng.integers(0, half, (groups, half))
            b = rng.integers(0, half - 1, (groups, half))
            b += b >= a
            xa = np.take_along_axis(xo, a[..., None], axis=1)
            xb = np.take_along_axis(xo, b[..., None], axis=1)
            q = xk + g * (xa - xb) + step_size * rng.standard_normal((groups, half, 2))
            qe = muller_brown_energy(q.reshape(-1, 2)).reshape(groups, half)
            accept = np.log(rng.random((groups, half))) < -(qe - e[:, moving]) / temperature
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


def nuts(start, n_steps, step_size, temperature, rng, max_depth=10):
    """Multinomial NUTS with the generalised U-turn criterion at a fixed ε (the kernel's
    algorithm, docs/samplers.md "NUTS"), vectorised as NumPy allows: all chains double their
    trees in lockstep, each leaf one vectorised leapfrog step of the chains still building,
    the others dropped by index."""
    x = start.copy()
    e, g = muller_brown(x)
    n = len(x)
    positions, energies = _storage(n_steps, start)
    positions[0], energies[0] = x, e
    for k in range(n_steps):
        p0 = np.sqrt(temperature) * rng.standard_normal(x.shape)
        h0 = e + 0.5 * (p0**2).sum(1)
        ends = {side: [x.copy(), p0.copy(), g.copy()] for side in ("left", "right")}
        chosen = [x.copy(), e.copy(), g.copy()]
        log_w = np.zeros(n)
        rho = p0.copy()
        building = np.arange(n)
        for j in range(max_depth):
            if not building.size:
                break
            forward = rng.random(building.size) < 0.5
            sign = np.where(forward, 1.0, -1.0)[:, None]
            cx = np.where(forward[:, None], ends["right"][0][building], ends["left"][0][building])
            cp = np.where(forward[:, None], ends["right"][1][building], ends["left"][1][building])
            cg = np.where(forward[:, None], ends["right"][2][building], ends["left"][2][building])
            m = building.size
            sub_log_w = np.full(m, -np.inf)
            cand = [cx.copy(), np.zeros(m), cg.copy()]
            sub_rho = np.zeros((m, 2))
            ck_p = np.zeros((j + 1, m, 2))
            ck_rho = np.zeros((j + 1, m, 2))
            ok = np.ones(m, dtype=bool)
            for leaf in range(2**j):
                a = np.flatnonzero(ok)
                if not a.size:
                    break
                h = step_size * sign[a]
                p = cp[a] - 0.5 * h * cg[a]
                q = cx[a] + h * p
                qe, qg = muller_brown(q)
                p = p - 0.5 * h * qg
                cx[a], cp[a], cg[a] = q, p, qg
                dh = qe + 0.5 * (p**2).sum(1) - h0[building[a]]
                bad = ~(dh <= 1000.0 * temperature)
                lw = -dh / temperature
                new_w = np.logaddexp(sub_log_w[a], lw)
                take = ~bad & (rng.random(a.size) < np.exp(lw - new_w))
                sub_log_w[a] = np.where(bad, sub_log_w[a], new_w)
                cand[0][a[take]], cand[1][a[take]], cand[2][a[take]] = q[take], qe[take], qg[take]
                for level in range(1, j + 1):
                    if leaf % 2**level == 0:
                        ck_p[level, a], ck_rho[level, a] = p, sub_rho[a]
                sub_rho[a] += p
                turn = bad
                for level in range(1, j + 1):
                    if (leaf + 1) % 2**level == 0:
                        block = sub_rho[a] - ck_rho[level, a]
                        turn = turn | ((block * ck_p[level, a]).sum(1) <= 0) | (
                            (block * p).sum(1) <= 0)
                ok[a[turn]] = False
            keep = np.flatnonzero(ok)
            chains = building[keep]
            fw = forward[keep]
            for side, mask in (("right", fw), ("left", ~fw)):
                ends[side][0][chains[mask]] = cx[keep][mask]
                ends[side][1][chains[mask]] = cp[keep][mask]
                ends[side][2][chains[mask]] = cg[keep][mask]
            take = rng.random(keep.size) < np.exp(sub_log_w[keep] - log_w[chains])
            for target, source in zip(chosen, cand, strict=True):
                target[chains[take]] = source[keep][take]
            log_w[chains] = np.logaddexp(log_w[chains], sub_log_w[keep])
            rho[chains] += sub_rho[keep]
            u_turn = ((rho[chains] * ends["left"][1][chains]).sum(1) <= 0) | (
                (rho[chains] * ends["right"][1][chains]).sum(1) <= 0)
            building = chains[~u_turn]
        x, e, g = chosen
        positions[k + 1], energies[k + 1] = x, e
    return positions, energies


def _esh_update(u, g, delta):
    """The ESH velocity update (d = 2) of every chain over time ``delta``."""
    norm = np.sqrt((g**2).sum(1, keepdims=True))
    e = -g / np.where(norm > 0, norm, 1.0)
    ue = (u * e).sum(1, keepdims=True)
    zeta = np.exp(-delta * norm)
    new = e * (1 - zeta) * (1 + zeta + ue * (1 - zeta)) + 2 * zeta * u
    new = new / np.sqrt((new**2).sum(1, keepdims=True))
    return np.where(norm > 0, new, u)


def mclmc(start, n_steps, step_size, temperature, rng, momentum_length=0.3):
    """MCLMC at a fixed ε: leapfrog of the ESH dynamics, then the partial refresh."""
    x = start.copy()
    e, g = muller_brown(x)
    angles = 2 * np.pi * rng.random(len(x))
    u = np.column_stack([np.cos(angles), np.sin(angles)])
    positions, energies = _storage(n_steps, start)
    positions[0], energies[0] = x, e
    c1 = np.exp(-step_size / momentum_length)
    c2 = np.sqrt((1 - c1**2) / 2)
    for k in range(n_steps):
        u = _esh_update(u, g / temperature, 0.5 * step_size)
        x = x + step_size * u
        e, g = muller_brown(x)
        u = _esh_update(u, g / temperature, 0.5 * step_size)
        u = c1 * u + c2 * rng.standard_normal(x.shape)
        u = u / np.sqrt((u**2).sum(1, keepdims=True))
        positions[k + 1], energies[k + 1] = x, e
    return positions, energies
