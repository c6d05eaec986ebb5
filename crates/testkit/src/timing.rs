//! Time spent on the CPU by the calling thread, for scaling tests: unlike wall time it
//! does not grow when other processes share the machine's cores.

use std::time::{Duration, Instant};

/// The CPU time the calling thread has used so far, from Linux's
/// `/proc/thread-self/schedstat` (its first field, in nanoseconds); `None` elsewhere.
pub fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse::<u64>().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// A clock for [`stancegraph_runner::Pipeline::process_clocked`]: the calling thread's CPU
/// time where the system reports it, else wall time since the clock was made.
pub fn thread_clock() -> impl Fn() -> Duration {
    let origin = Instant::now();
    move || thread_cpu_time().unwrap_or_else(|| origin.elapsed())
}

/// Runs `work` and returns its result with the time it took: the calling thread's CPU
/// time where the system reports it, else wall time. Only work done on the calling thread
/// counts, so use it for synchronous work (the pipeline's stages are).
pub fn time_on_this_thread<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let cpu_start = thread_cpu_time();
    let wall_start = Instant::now();
    let out = work();
    let elapsed = match (cpu_start, thread_cpu_time()) {
        (Some(start), Some(end)) => end.saturating_sub(start),
        _ => wall_start.elapsed(),
    };
    (out, elapsed)
}

#[cfg(test)]
mod tests {
    use super::time_on_this_thread;
    use std::time::Duration;

    #[test]
    fn sleeping_costs_no_cpu_but_work_does() {
        let ((), slept) = time_on_this_thread(|| std::thread::sleep(Duration::from_millis(200)));
        let (sum, worked) = time_on_this_thread(|| {
            (0..20_000_000u64).fold(0u64, |a, b| std::hint::black_box(a.wrapping_add(b)))
        });
        assert!(sum > 0);
        if super::thread_cpu_time().is_some() {
            assert!(slept < Duration::from_millis(100), "slept {slept:?}");
        }
        assert!(worked > Duration::ZERO, "worked {worked:?}");
    }

    #[test]
    fn the_thread_clock_skips_sleep() {
        let clock = super::thread_clock();
        let before = clock();
        std::thread::sleep(Duration::from_millis(200));
        let slept = clock().saturating_sub(before);
        if super::thread_cpu_time().is_some() {
            assert!(slept < Duration::from_millis(100), "slept {slept:?}");
        } else {
            assert!(slept >= Duration::from_millis(200), "slept {slept:?}");
        }
    }
}
