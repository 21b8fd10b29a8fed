//! Progress reporting, as a sink the checks call into. The library never
//! draws: `main.rs` passes a bar on stderr when it is a terminal, else
//! [`NoProgress`].

/// Receives progress of long-running work.
pub trait Progress: Sync {
    /// A task of `total` steps starts (replaces any previous task).
    fn start(&self, task: &str, total: u64);
    /// `n` more steps are done.
    fn advance(&self, n: u64);
    /// The current task is done.
    fn finish(&self);
    /// The audit moves on to phase `name` (a check, the report assembly,
    /// the plan): for profiling tools (`examples/scale-profile.rs`); a
    /// progress bar ignores it.
    fn phase(&self, _name: &str) {}
}

/// Discards progress.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _task: &str, _total: u64) {}
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}

/// A progress bar on stderr (indicatif).
pub struct Bar {
    bar: indicatif::ProgressBar,
}

impl Bar {
    pub fn stderr() -> Self {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg:>12} [{bar:30}] {pos}/{len} ({eta})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Bar { bar }
    }
}

impl Progress for Bar {
    fn start(&self, task: &str, total: u64) {
        self.bar.reset();
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.bar.set_message(task.to_owned());
    }
    fn advance(&self, n: u64) {
        self.bar.inc(n);
    }
    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
