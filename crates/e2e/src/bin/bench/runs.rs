//! The optional runs: `--throttle` (the same two forms under Chromium's network and CPU
//! throttling: cold loads and keystrokes) and `--warm` (a second visit once the service worker
//! has cached the app; throttled too when both are given). Not part of the default run, which
//! they would make several times longer.

use crate::browser::{cold_load, warm_load, ColdLoad, Conditions, Keystroke, Session};
use crate::cases::Loaded;
use crate::report;
use crate::WARMUP_KEYS;

/// The command line's flags for the optional runs (flattened into the driver's arguments).
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct Flags {
    /// Also measure both forms under Chromium's network and CPU throttling (150 ms round
    /// trip, 1.6 Mbit/s down, 750 kbit/s up, CPU 4 times slower): cold loads and keystrokes
    #[arg(long, verbatim_doc_comment)]
    pub throttle: bool,
    /// Also measure a warm second visit: load once, wait until the service worker has cached
    /// the app, then navigation → form again (throttled too with --throttle)
    #[arg(long, verbatim_doc_comment)]
    pub warm: bool,
}

/// Which optional runs to make, and their counts (those of the default run).
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub flags: Flags,
    pub loads: usize,
    pub keys: usize,
}

/// What the optional runs measured on one object; `None` for a run not asked for.
#[derive(Debug, Default)]
pub struct Optional {
    /// `--throttle`: cold loads and keystrokes under throttling.
    pub throttled: Option<Throttled>,
    /// `--warm`: second visits, plain.
    pub warm: Option<Vec<ColdLoad>>,
    /// `--warm --throttle`: second visits under throttling.
    pub warm_throttled: Option<Vec<ColdLoad>>,
}

/// An object's figures under throttling.
#[derive(Debug)]
pub struct Throttled {
    pub loads: Vec<ColdLoad>,
    pub text_keys: Vec<Keystroke>,
    pub number_keys: Vec<Keystroke>,
}

/// Makes the runs `plan` asks for on every object; `link` is an object's URL, `check` a field's
/// path and the value its form must show. The loads of the objects take turns, as the default
/// run's do.
pub async fn optional(
    objects: &[Loaded],
    link: &dyn Fn(&Loaded) -> String,
    check: &dyn Fn(&Loaded) -> (String, String),
    plan: Plan,
) -> Vec<Optional> {
    let mut out: Vec<Optional> = objects.iter().map(|_| Optional::default()).collect();
    if plan.flags.throttle {
        eprintln!(
            "bench: throttled runs (--throttle): {}",
            report::throttling()
        );
    }
    let mut kinds = Vec::new();
    if plan.flags.throttle {
        kinds.push(("throttled cold load", false, Conditions::Throttled));
    }
    if plan.flags.warm {
        kinds.push(("warm load", true, Conditions::Plain));
        if plan.flags.throttle {
            kinds.push(("throttled warm load", true, Conditions::Throttled));
        }
    }
    for (what, warm, conditions) in kinds {
        let mut loads: Vec<Vec<ColdLoad>> = vec![Vec::new(); objects.len()];
        for i in 0..plan.loads {
            for (l, done) in objects.iter().zip(loads.iter_mut()) {
                let (path, shown) = check(l);
                let load = if warm {
                    warm_load(&link(l), (&path, &shown), conditions).await
                } else {
                    cold_load(&link(l), (&path, &shown), conditions).await
                };
                let through_worker = load.fetched.iter().filter(|f| f.worker).count();
                eprintln!(
                    "bench: {what} {}/{} of {}: form ready at {:.1} ms ({through_worker} of {} requests through the service worker)",
                    i + 1,
                    plan.loads,
                    l.case.name,
                    load.ready_ms,
                    load.fetched.len()
                );
                done.push(load);
            }
        }
        for (o, loads) in out.iter_mut().zip(loads) {
            match (warm, conditions) {
                (false, _) => {
                    o.throttled = Some(Throttled {
                        loads,
                        text_keys: Vec::new(),
                        number_keys: Vec::new(),
                    })
                }
                (true, Conditions::Plain) => o.warm = Some(loads),
                (true, Conditions::Throttled) => o.warm_throttled = Some(loads),
            }
        }
    }
    if plan.flags.throttle {
        for (l, o) in objects.iter().zip(out.iter_mut()) {
            eprintln!("bench: throttled keystrokes in {}", l.case.name);
            let session = Session::open(&link(l), l.case.number_field).await;
            session.apply(Conditions::Throttled).await;
            let text_keys = session
                .keystrokes(l.case.text_field, WARMUP_KEYS, plan.keys)
                .await;
            let number_keys = session
                .keystrokes(l.case.number_field, WARMUP_KEYS, plan.keys)
                .await;
            session.close().await;
            if let Some(t) = o.throttled.as_mut() {
                t.text_keys = text_keys;
                t.number_keys = number_keys;
            }
        }
    }
    out
}
