//! The learning-rate schedule: linear warm-up, then linear decay to zero over the run.
//! Progress is the larger of the step fraction and the time fraction, so that a run bounded
//! by minutes decays as surely as one bounded by steps.

/// How far a run is, in 0..=1: the larger of `step / max_steps` and `elapsed / max_secs`
/// (a missing bound does not count).
pub fn progress(
    step: u64,
    max_steps: Option<u64>,
    elapsed_secs: f64,
    max_secs: Option<f64>,
) -> f64 {
    let by_steps = max_steps
        .filter(|&m| m > 0)
        .map_or(0.0, |m| step as f64 / m as f64);
    let by_time = max_secs
        .filter(|&m| m > 0.0)
        .map_or(0.0, |m| elapsed_secs / m);
    by_steps.max(by_time).clamp(0.0, 1.0)
}

/// The factor applied to the peak learning rate at `step` (0-based): rises linearly over
/// `warmup_steps`, then falls linearly with `progress` to 0 at the end of the run.
pub fn lr_factor(step: u64, warmup_steps: u64, progress: f64) -> f64 {
    let warm = if warmup_steps == 0 {
        1.0
    } else {
        ((step + 1) as f64 / warmup_steps as f64).min(1.0)
    };
    warm * (1.0 - progress.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warms_up_then_decays_to_zero() {
        assert!((lr_factor(0, 10, 0.0) - 0.1).abs() < 1e-12);
        assert!((lr_factor(9, 10, 0.0) - 1.0).abs() < 1e-12);
        assert!((lr_factor(50, 10, 0.5) - 0.5).abs() < 1e-12);
        assert_eq!(lr_factor(100, 10, 1.0), 0.0);
        assert_eq!(lr_factor(5, 0, 0.0), 1.0);
    }

    #[test]
    fn progress_takes_the_tighter_bound() {
        assert_eq!(progress(50, Some(100), 10.0, Some(100.0)), 0.5);
        assert_eq!(progress(10, Some(100), 80.0, Some(100.0)), 0.8);
        assert_eq!(progress(10, None, 0.0, None), 0.0);
        assert_eq!(progress(500, Some(100), 0.0, None), 1.0);
    }
}
