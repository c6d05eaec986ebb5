use std::collections::BTreeMap;
use std::sync::Arc;

use crate::stage::{closest, Typed};
use crate::{Layer, StageFactory, TypedFactory};

/// Stage factories by name. The CLI builds one with every built-in stage; a plugin
/// distribution adds its own with [`Registry::register`] or [`Registry::register_typed`].
#[derive(Clone, Default)]
pub struct Registry {
    factories: BTreeMap<String, Arc<dyn StageFactory>>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Registry::default()
    }

    /// Adds a factory; a later registration under the same name replaces the earlier one,
    /// so a distribution can swap a built-in implementation.
    pub fn register(&mut self, factory: impl StageFactory + 'static) -> &mut Self {
        self.factories
            .insert(factory.name().to_string(), Arc::new(factory));
        self
    }

    /// Adds a factory with a typed config.
    pub fn register_typed<F: TypedFactory>(&mut self, factory: F) -> &mut Self {
        self.register(Typed(factory))
    }

    /// The factory registered under `name`.
    pub fn get(&self, name: &str) -> Option<Arc<dyn StageFactory>> {
        self.factories.get(name).cloned()
    }

    /// Every registered name, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.factories.keys().map(String::as_str)
    }

    /// Every registered factory, sorted by name.
    pub fn factories(&self) -> impl Iterator<Item = &Arc<dyn StageFactory>> {
        self.factories.values()
    }

    /// Registered names close to `name`, best first (for "unknown stage" messages).
    pub fn suggest(&self, name: &str) -> Vec<String> {
        let mut scored: Vec<(f64, &str)> = self
            .names()
            .map(|candidate| {
                // Compare whole names and the part after the area, so `quote.rule` and
                // `rules` both find `quotes.rules`.
                let whole = strsim::jaro_winkler(name, candidate);
                let tail = candidate.rsplit('.').next().unwrap_or(candidate);
                let part = strsim::jaro_winkler(name, tail) * 0.95;
                (whole.max(part), candidate)
            })
            .filter(|(score, _)| *score >= 0.75)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let best: Vec<String> = scored
            .into_iter()
            .take(3)
            .map(|(_, n)| n.to_string())
            .collect();
        if best.is_empty() {
            closest(name, self.names())
                .map(|n| vec![n.to_string()])
                .unwrap_or_default()
        } else {
            best
        }
    }

    /// Names of the factories whose default config produces `layer`.
    pub fn producers_of(&self, layer: Layer) -> Vec<String> {
        self.factories
            .values()
            .filter(|f| {
                f.io(&serde_json::Value::Object(Default::default()))
                    .produces
                    .contains(&layer)
            })
            .map(|f| f.name().to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BuildContext, Document, Stage, StageError, StageIo};
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(deny_unknown_fields, default)]
    struct WindowConfig {
        max_distance: u32,
        label: String,
    }
    impl Default for WindowConfig {
        fn default() -> Self {
            WindowConfig {
                max_distance: 3,
                label: "x".into(),
            }
        }
    }

    struct Window;
    struct Noop;
    impl Stage for Noop {
        fn process(&self, _doc: &mut Document) -> Result<(), StageError> {
            Ok(())
        }
    }
    impl TypedFactory for Window {
        type Config = WindowConfig;
        const NAME: &'static str = "quotes.rules";
        const DESCRIPTION: &'static str = "test";
        const VERSION: &'static str = "1";
        fn io(&self, _config: &WindowConfig) -> StageIo {
            StageIo::new(&[crate::layer::TOKENS], &[crate::layer::QUOTES])
        }
        fn check(&self, config: &WindowConfig) -> Vec<crate::ConfigIssue> {
            if config.max_distance == 0 {
                vec![crate::ConfigIssue::new(
                    "max_distance",
                    "must be at least 1",
                )]
            } else {
                vec![]
            }
        }
        fn build(
            &self,
            _config: WindowConfig,
            _context: &BuildContext,
        ) -> Result<Box<dyn Stage>, StageError> {
            Ok(Box::new(Noop))
        }
    }

    #[test]
    fn typed_factory_reports_every_unknown_field_and_bad_values() {
        let mut registry = Registry::new();
        registry.register_typed(Window);
        let factory = registry.get("quotes.rules").unwrap();
        let issues = factory.validate(&serde_json::json!({"max_distanc": 2, "colour": 1}));
        assert_eq!(issues.len(), 2, "{issues:?}");
        assert!(
            issues[1].message.contains("did you mean `max_distance`")
                || issues[0].message.contains("did you mean `max_distance`")
        );
        let issues = factory.validate(&serde_json::json!({"max_distance": "far"}));
        assert_eq!(issues[0].path, "max_distance");
        let issues = factory.validate(&serde_json::json!({"max_distance": 0}));
        assert_eq!(issues[0].message, "must be at least 1");
        assert!(factory.example_config().contains("max_distance = 3"));
        assert_eq!(
            registry.producers_of(Layer::Quotes),
            vec!["quotes.rules".to_string()]
        );
    }

    #[test]
    fn an_invalid_config_is_an_error_never_the_defaults() {
        let mut registry = Registry::new();
        registry.register_typed(Window);
        let factory = registry.get("quotes.rules").unwrap();
        let invalid = serde_json::json!({"max_distance": "far"});
        let issues = factory.resolved_config(&invalid).unwrap_err();
        assert_eq!(issues[0].path, "max_distance");
        assert_eq!(factory.io(&invalid), StageIo::default());
        let context = BuildContext {
            data_dir: ".".into(),
            config_path: "stages[3]".into(),
        };
        let Err(error) = factory.build(&invalid, &context) else {
            panic!("built from an invalid config");
        };
        // The factory names itself; the runner adds the config path once.
        assert!(!error.to_string().contains("stages[3]"), "{error}");
        let resolved = factory.resolved_config(&serde_json::json!({})).unwrap();
        assert_eq!(resolved["max_distance"], 3);
        assert!(factory
            .io(&serde_json::json!({}))
            .produces
            .contains(&Layer::Quotes));
    }

    #[test]
    fn suggests_near_names() {
        let mut registry = Registry::new();
        registry.register_typed(Window);
        assert_eq!(
            registry.suggest("quote.rules"),
            vec!["quotes.rules".to_string()]
        );
        assert!(registry.suggest("zzzz").is_empty());
    }
}
