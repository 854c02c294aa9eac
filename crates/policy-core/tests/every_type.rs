//! Every concrete type of both API versions accepts an object built from its own declaration:
//! the schema holds together (types resolve, constraints are satisfiable) for all of them, not
//! only the seeds.

use policy_core::embedded::schema;
use policy_core::model::{ApiVersion, TypeKind};
use policy_core::sample::sample_object;
use policy_core::{validate, Code, Mode};

#[test]
fn every_editable_type_validates_a_full_sample() {
    for api in ApiVersion::ALL {
        let s = schema(api);
        let editable = s.editable_types();
        assert!(editable.len() > 20, "{api}: {}", editable.len());
        for id in s
            .types()
            .filter(|(_, t)| t.kind == TypeKind::Entity && !t.is_abstract)
            .map(|(id, _)| id)
        {
            let name = s.get(id).short_name();
            let object = sample_object(s, id, true);
            let errors: Vec<_> = validate(s, &object, Mode::Object)
                .into_iter()
                .filter(|p| p.is_error())
                .collect();
            assert!(errors.is_empty(), "{api} {name}: {errors:#?}");
            let body = sample_object(s, id, false);
            let problems = validate(s, &body, Mode::Patch);
            assert!(
                problems
                    .iter()
                    .all(|p| !p.is_error() && p.code != Code::ReadOnly),
                "{api} {name}: {problems:#?}"
            );
        }
    }
}
