//! The NER model file: header, word clusters, case classes, static-vector clusters, then
//! the two passes' weights (layout in data/models/entities/README.md).

use std::path::Path;

use stancegraph_linear::{
    decode_model, encode_model, load_model, save_model, FormatError, Header, KeyMap, Reader,
    Weights, Writer,
};

use crate::clusters::{Clusters, VectorClusters};
use crate::features::FeatureExtractor;
use crate::lexicon::Lexicon;
use crate::tagger::{NerModel, LABELS};
use crate::EntitiesError;

/// Model file header (the layout is the one of the former `SGNER\0\0\x03` files).
const HEADER: Header = Header::new("NER tagger", *b"NER ", 4);

impl NerModel {
    /// Writes the model: header, clusters, then sparse feature rows.
    pub fn save(&self, path: &Path) -> Result<(), EntitiesError> {
        Ok(save_model(path, &HEADER, |out| self.encode(out))?)
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        encode_model(&HEADER, |out| self.encode(out))
    }

    fn encode(&self, out: &mut Writer) {
        out.u32(self.epochs);
        let mut clusters: Vec<(&String, &Vec<u32>)> = self.features.clusters.entries().collect();
        clusters.sort();
        out.u32(clusters.len() as u32);
        for (word, paths) in clusters {
            out.short_str(word);
            out.u8(paths.len() as u8);
            for &p in paths {
                out.u16(p as u16);
            }
        }
        let mut case: Vec<(&String, &u8)> = self.features.clusters.case_entries().collect();
        case.sort();
        out.u32(case.len() as u32);
        for (word, class) in case {
            out.short_str(word);
            out.u8(*class);
        }
        let vectors = self.features.clusters.vectors();
        out.u32(vectors.row_paths().len() as u32);
        for paths in vectors.row_paths() {
            paths.iter().for_each(|&p| out.u16(p));
        }
        let mut rows: Vec<(&u64, &u16)> = vectors.rows().collect();
        rows.sort();
        out.u32(rows.len() as u32);
        for (key, row) in rows {
            out.u64(*key);
            out.u16(*row);
        }
        self.first.write_exact(out);
        match &self.second {
            Some(weights) => {
                out.u8(1);
                weights.write_exact(out);
            }
            None => out.u8(0),
        }
    }

    /// Reads a model written by [`NerModel::save`].
    pub fn load(path: &Path) -> Result<Self, EntitiesError> {
        Ok(load_model(path, &HEADER, Self::decode)?)
    }

    /// Reads a model from the bytes of a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, FormatError> {
        decode_model(bytes, &HEADER, Self::decode)
    }

    fn decode(reader: &mut Reader) -> Result<Self, FormatError> {
        let epochs = reader.u32()?;
        let cluster_count = reader.u32()?;
        let cluster_count = reader.count(u64::from(cluster_count), 2)?;
        let mut clusters = crate::features::FastMap::default();
        for _ in 0..cluster_count {
            let word = reader.short_str()?;
            let levels = reader.u8()? as usize;
            let mut paths = Vec::with_capacity(levels);
            for _ in 0..levels {
                paths.push(u32::from(reader.u16()?));
            }
            clusters.insert(word, paths);
        }
        let case_count = reader.u32()?;
        let case_count = reader.count(u64::from(case_count), 2)?;
        let mut case = crate::features::FastMap::default();
        for _ in 0..case_count {
            let word = reader.short_str()?;
            case.insert(word, reader.u8()?);
        }
        let path_count = reader.u32()?;
        let path_count = reader.count(u64::from(path_count), 6)?;
        let mut row_paths = Vec::with_capacity(path_count);
        for _ in 0..path_count {
            row_paths.push([reader.u16()?, reader.u16()?, reader.u16()?]);
        }
        let row_count = reader.u32()?;
        let row_count = reader.count(u64::from(row_count), 10)?;
        let mut rows = KeyMap::default();
        rows.reserve(row_count);
        for _ in 0..row_count {
            let key = reader.u64()?;
            let row = reader.u16()?;
            if usize::from(row) >= row_paths.len() {
                return Err(reader.invalid(format!(
                    "vector row {row} past the {} rows",
                    row_paths.len()
                )));
            }
            rows.insert(key, row);
        }
        let first = Weights::read_exact(reader, LABELS)?;
        let second = match reader.u8()? {
            1 => Some(Weights::read_exact(reader, LABELS)?),
            _ => None,
        };
        Ok(NerModel {
            first,
            second,
            features: FeatureExtractor {
                lexicon: Lexicon::builtin(),
                clusters: Clusters::from_entries(clusters, case)
                    .with_vectors(VectorClusters::from_parts(rows, row_paths)),
            },
            epochs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_rejects_garbage() {
        assert!(matches!(
            NerModel::from_bytes(b"not a model"),
            Err(FormatError::Magic { .. })
        ));
        let mut truncated = Writer::default();
        HEADER.write(&mut truncated);
        truncated.raw(&[1, 0, 0, 0, 5]);
        assert!(matches!(
            NerModel::from_bytes(truncated.as_bytes()),
            Err(FormatError::Truncated { .. })
        ));
    }

    #[test]
    fn truncated_model_file_is_a_typed_error_naming_the_file_once() {
        let mut truncated = Writer::default();
        HEADER.write(&mut truncated);
        truncated.raw(&[1, 0, 0, 0, 5]);
        let dir = std::env::temp_dir().join(format!("stancegraph-ner-cut-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("ner.bin");
        std::fs::write(&path, truncated.as_bytes()).unwrap();
        let error = NerModel::load(&path)
            .err()
            .expect("a truncated model is an error");
        let message = error.to_string();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            matches!(
                &error,
                EntitiesError::Model(stancegraph_linear::LinearError::Format {
                    problem: FormatError::Truncated { .. },
                    ..
                })
            ),
            "{error:?}"
        );
        assert_eq!(
            message.matches(&*path.to_string_lossy()).count(),
            1,
            "{message}"
        );
        assert!(
            message.contains("NER tagger") && message.contains("truncated"),
            "{message}"
        );
        let missing = NerModel::load(&dir.join("absent-model.bin"))
            .err()
            .expect("a missing model is an error");
        assert!(
            matches!(
                missing,
                EntitiesError::Model(stancegraph_linear::LinearError::Io { .. })
            ),
            "{missing:?}"
        );
    }
}
