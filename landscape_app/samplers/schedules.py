"""Temperature schedules T(k) for annealing (docs/science.md section 1).

    constant     T(k) = T₀
    exponential  T(k) = T₀ aᵏ                   (a = cooling_rate)
    logarithmic  T(k) = T₀ ln 2 / ln(2 + k)     (Geman & Geman's c / log(2 + k), T(0) = T₀)
    linear       T(k) = T₀ + (T_f − T₀) k / K   (K = anneal_steps, then T_f)

Every schedule is floored at ``final_temperature``; k counts steps since the chains started, so a
resumed run continues the schedule where the previous run stopped.
"""

import numpy as np

SCHEDULES = ("constant", "exponential", "logarithmic", "linear")


def temperature_schedule(schedule: str, initial: float, first_step: int, n_steps: int,
                         cooling_rate: float = 0.999, anneal_steps: int = 1000,
                         final_temperature: float = 0.0) -> np.ndarray:
    """T(k) for k = first_step, …, first_step + n_steps − 1 (the temperature of step k → k+1)."""
    k = np.arange(first_step, first_step + n_steps, dtype=np.float64)
    if schedule == "constant":
        temps = np.full(n_steps, float(initial))
    elif schedule == "exponential":
        temps = initial * np.exp(k * np.log(cooling_rate))
    elif schedule == "logarithmic":
        temps = initial * np.log(2.0) / np.log(2.0 + k)
    elif schedule == "linear":
        temps = initial + (final_temperature - initial) * np.minimum(k / anneal_steps, 1.0)
    else:
        raise ValueError(f"unknown schedule {schedule!r}; choose one of {', '.join(SCHEDULES)}")
    if schedule != "constant":
        temps = np.maximum(temps, final_temperature)
    return np.ascontiguousarray(temps, dtype=np.float64)
