//! The Chinese full-text index (tantivy). It is derived data: each server instance keeps
//! its own copy under the data folder, follows the database's `search_log`, and can be
//! rebuilt from the database at any time.
//!
//! Text is indexed twice: segmented by jieba (for relevance) and as character bigrams, so
//! that any two-character word a text contains is found, whatever jieba made of it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{LowerCaser, TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term, doc};

use crate::cache::SyncCache;

/// The search log (`search_log`): every change to what is public appends an entry, and
/// each instance's index follows it.
pub mod log {
    use sea_orm::{
        ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    };

    use crate::entities::search_log::{Column, Entity, Model};

    /// Up to `limit` entries after `applied`, oldest first.
    pub async fn after(
        db: &impl ConnectionTrait,
        applied: i64,
        limit: u64,
    ) -> Result<Vec<Model>, DbErr> {
        Entity::find()
            .filter(Column::Id.gt(applied))
            .order_by_asc(Column::Id)
            .limit(limit)
            .all(db)
            .await
    }

    /// Appends an entry: what is public about `activity_id` may have changed.
    pub async fn append(
        db: &impl ConnectionTrait,
        activity_id: i64,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), DbErr> {
        use sea_orm::{ActiveModelTrait, ActiveValue::Set};
        crate::entities::search_log::ActiveModel {
            activity_id: Set(activity_id),
            at: Set(at),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(())
    }

    /// The log's last entry id (0 when empty).
    pub async fn position(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
        crate::last_id::<Entity>(db, Column::Id).await
    }
}

/// One activity as the index sees it.
#[derive(Debug, Clone, Default)]
pub struct SearchDoc {
    /// Activity id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Details, address and hosts' names, as plain text.
    pub text: String,
    /// Start, as seconds since the epoch (recency breaks ties).
    pub start: i64,
}

/// Errors of the index.
#[derive(Debug, Clone, thiserror::Error)]
#[error("search index: {0}")]
pub struct SearchError(String);

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError(e.to_string())
    }
}

/// The index and its fields.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    id: Field,
    start: Field,
    name: Field,
    text: Field,
    name_bigrams: Field,
    text_bigrams: Field,
    /// Answers of the index's current generation, by words and limit.
    answers: SyncCache<(String, usize), Found>,
}

const JIEBA: &str = "jieba";
const BIGRAM: &str = "bigram";

fn text_field(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

fn bigrams() -> Result<TextAnalyzer, SearchError> {
    Ok(TextAnalyzer::builder(Bigrams).filter(LowerCaser).build())
}

/// Every two adjacent characters, each pair at its own position, so that a phrase of the
/// pairs of a word matches exactly where the text contains the word. (tantivy's
/// `NgramTokenizer` puts every gram at position 0, so that such a phrase never matched and
/// only jieba's whole words were found: the fuzz target `search` found it.)
#[derive(Clone, Copy, Debug, Default)]
struct Bigrams;

/// The pairs of one text.
struct BigramStream<'a> {
    text: &'a str,
    /// Byte offsets of the characters, and of the text's end.
    starts: Vec<usize>,
    next: usize,
    token: Token,
}

impl Tokenizer for Bigrams {
    type TokenStream<'a> = BigramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BigramStream<'a> {
        let mut starts: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
        starts.push(text.len());
        BigramStream {
            text,
            starts,
            next: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for BigramStream<'_> {
    fn advance(&mut self) -> bool {
        let (Some(&from), Some(&to)) = (self.starts.get(self.next), self.starts.get(self.next + 2))
        else {
            return false;
        };
        self.token.text.clear();
        self.token
            .text
            .push_str(self.text.get(from..to).unwrap_or_default());
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.next;
        self.token.position_length = 1;
        self.next += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// What the index holds, by version: an index of another version (other fields, other
/// tokenizers) is dropped when opened and filled again from the search log.
/// 2: bigrams at their own positions.
const FORMAT: &str = "2";

/// The file in the index folder that names its [`FORMAT`].
const FORMAT_FILE: &str = "kepu-index-format";

impl SearchIndex {
    /// Opens the index in `dir`, making it if missing.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        let io = |e: std::io::Error| SearchError(e.to_string());
        let marker = dir.join(FORMAT_FILE);
        if std::fs::read_to_string(&marker).ok().as_deref() != Some(FORMAT) {
            // Derived data of another format (or none): start empty; the search log fills it.
            if dir.exists() {
                std::fs::remove_dir_all(dir).map_err(io)?;
            }
            std::fs::create_dir_all(dir).map_err(io)?;
            std::fs::write(&marker, FORMAT).map_err(io)?;
        }
        let mut builder = Schema::builder();
        let id = builder.add_i64_field(
            "id",
            NumericOptions::default()
                .set_indexed()
                .set_stored()
                .set_fast(),
        );
        let start =
            builder.add_i64_field("start", NumericOptions::default().set_fast().set_stored());
        let name = builder.add_text_field("name", text_field(JIEBA));
        let text = builder.add_text_field("text", text_field(JIEBA));
        let name_bigrams = builder.add_text_field("name_bigrams", text_field(BIGRAM));
        let text_bigrams = builder.add_text_field("text_bigrams", text_field(BIGRAM));
        let schema = builder.build();
        let directory =
            tantivy::directory::MmapDirectory::open(dir).map_err(|e| SearchError(e.to_string()))?;
        let index = Index::open_or_create(directory, schema)?;
        index.tokenizers().register(
            JIEBA,
            TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::with_search_mode(true))
                .filter(LowerCaser)
                .build(),
        );
        index.tokenizers().register(BIGRAM, bigrams()?);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            id,
            start,
            name,
            text,
            name_bigrams,
            text_bigrams,
            answers: SyncCache::new(KEPT_ANSWERS),
        })
    }

    /// The last `search_log` id applied, as committed with the index.
    pub fn applied(&self) -> Result<i64, SearchError> {
        let metas = self.index.load_metas()?;
        Ok(metas.payload.and_then(|p| p.parse().ok()).unwrap_or(0))
    }

    /// Reads what was last committed to the index, also by another writer.
    pub fn refresh(&self) -> Result<(), SearchError> {
        Ok(self.reader.reload()?)
    }

    /// Applies changes in one commit: documents to (re)index, ids to remove, and the log
    /// position reached. Fails with a lock error when another writer holds the index.
    pub fn apply(
        &self,
        upserts: &[SearchDoc],
        removals: &[i64],
        log_position: i64,
    ) -> Result<(), SearchError> {
        let mut writer: IndexWriter = self.index.writer(32 * 1024 * 1024)?;
        for id in removals.iter().chain(upserts.iter().map(|d| &d.id)) {
            writer.delete_term(Term::from_field_i64(self.id, *id));
        }
        for d in upserts {
            writer.add_document(doc!(
                self.id => d.id,
                self.start => d.start,
                self.name => d.name.clone(),
                self.text => d.text.clone(),
                self.name_bigrams => d.name.clone(),
                self.text_bigrams => d.text.clone(),
            ))?;
        }
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&log_position.to_string());
        prepared.commit()?;
        writer.wait_merging_threads()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Drops every document (before a rebuild).
    pub fn clear(&self) -> Result<(), SearchError> {
        let mut writer: IndexWriter = self.index.writer(16 * 1024 * 1024)?;
        writer.delete_all_documents()?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload("0");
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// The query for one word: its bigrams as a phrase (so the text contains the word),
    /// with the jieba term boosting relevance.
    fn word_query(&self, word: &str) -> Result<Box<dyn Query>, SearchError> {
        let mut analyzer = bigrams()?;
        let mut grams = Vec::new();
        let mut stream = analyzer.token_stream(word);
        while stream.advance() {
            grams.push(stream.token().text.clone());
        }
        let lowered = word.to_lowercase();
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost) in [(self.name_bigrams, 3.0), (self.text_bigrams, 1.0)] {
            let query: Box<dyn Query> = match grams.as_slice() {
                [] => continue,
                [one] => Box::new(TermQuery::new(
                    Term::from_field_text(field, one),
                    IndexRecordOption::WithFreqs,
                )),
                many => Box::new(PhraseQuery::new(
                    many.iter()
                        .map(|g| Term::from_field_text(field, g))
                        .collect(),
                )),
            };
            should.push((Occur::Should, Box::new(BoostQuery::new(query, boost))));
        }
        if grams.is_empty() {
            // A single character: whole jieba tokens only.
            for field in [self.name, self.text] {
                should.push((
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, &lowered),
                        IndexRecordOption::WithFreqs,
                    )),
                ));
            }
        } else {
            for (field, boost) in [(self.name, 2.0), (self.text, 0.5)] {
                let term = TermQuery::new(
                    Term::from_field_text(field, &lowered),
                    IndexRecordOption::WithFreqs,
                );
                should.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(term), boost)),
                ));
            }
        }
        Ok(Box::new(BooleanQuery::new(should)))
    }

    /// Documents containing every word of `query` (words separated by spaces): the ids of
    /// the `limit` most relevant, later starts first among equals, and how many match in
    /// all. Answers are kept until the index next changes (a few hundred queries at most),
    /// so that a word everyone searches for is ranked once per change, not per request.
    pub fn search(&self, query: &str, limit: usize) -> Result<Arc<Found>, SearchError> {
        let words: Vec<String> = query
            .split_whitespace()
            .take(8)
            .map(|w| w.chars().take(50).collect())
            .collect();
        let searcher = self.reader.searcher();
        let generation = i64::try_from(searcher.generation().generation_id()).unwrap_or(0);
        let key = (words.join(" "), limit);
        self.answers
            .get_or_compute(generation, key, || self.rank(&searcher, &words, limit))
    }

    fn rank(
        &self,
        searcher: &tantivy::Searcher,
        words: &[String],
        limit: usize,
    ) -> Result<Found, SearchError> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in words {
            clauses.push((Occur::Must, self.word_query(word)?));
        }
        let query: Box<dyn Query> = match clauses.len() {
            0 => return Ok(Found::default()),
            // One word is its own query: a union of terms, which tantivy ranks without
            // scoring every match (block-max WAND).
            1 => clauses.remove(0).1,
            _ => Box::new(BooleanQuery::new(clauses)),
        };
        let top = searcher.search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let total = searcher.search(&query, &Count)?;
        let mut columns = HashMap::new();
        let mut ranked = Vec::with_capacity(top.len());
        for (score, address) in top {
            let (ids, starts) = match columns.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let fast = searcher.segment_reader(address.segment_ord).fast_fields();
                    e.insert((fast.i64("id")?, fast.i64("start")?))
                }
            };
            if let Some(id) = ids.first(address.doc_id) {
                let start = starts.first(address.doc_id).unwrap_or(0);
                ranked.push((score, start, id));
            }
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
        Ok(Found {
            ids: ranked.into_iter().map(|(_, _, id)| id).collect(),
            total,
        })
    }
}

/// What a search found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    /// The most relevant ids, best first.
    pub ids: Vec<i64>,
    /// How many documents match in all.
    pub total: usize,
}

/// How many answers are kept between changes of the index.
const KEPT_ANSWERS: usize = 512;

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> (SearchIndex, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "kepu-search-{}",
            std::process::id() as u64 * 1000 + rand_suffix()
        ));
        (SearchIndex::open(&dir).unwrap(), dir)
    }

    fn rand_suffix() -> u64 {
        let mut b = [0u8; 2];
        getrandom::fill(&mut b).unwrap();
        u64::from(u16::from_le_bytes(b))
    }

    impl SearchIndex {
        fn ids(&self, query: &str, limit: usize) -> Result<Vec<i64>, SearchError> {
            Ok(self.search(query, limit)?.ids.clone())
        }
    }

    fn doc(id: i64, name: &str, text: &str, start: i64) -> SearchDoc {
        SearchDoc {
            id,
            name: name.to_owned(),
            text: text.to_owned(),
            start,
        }
    }

    #[test]
    fn two_character_words_are_found_inside_longer_words() {
        let (index, dir) = index();
        index
            .apply(
                &[
                    doc(1, "走进天文馆：秋夜观星", "三门峡市科技馆", 10),
                    doc(2, "食品安全进社区", "讲解家庭食品储存", 20),
                    doc(3, "全国科普日主场活动", "科普大篷车巡展", 30),
                    doc(4, "应急避险体验", "地震逃生演练", 40),
                ],
                &[],
                7,
            )
            .unwrap();
        assert_eq!(index.ids("天文", 10).unwrap(), [1]);
        assert_eq!(index.ids("食品", 10).unwrap(), [2]);
        assert_eq!(index.ids("科普", 10).unwrap(), [3]);
        assert_eq!(index.ids("科技", 10).unwrap(), [1]);
        assert_eq!(
            index.ids("食品 社区", 10).unwrap(),
            [2],
            "every word must match"
        );
        assert!(index.ids("航天", 10).unwrap().is_empty());
        assert_eq!(index.ids("天文馆", 10).unwrap(), [1]);
        assert!(
            index.ids("馆天", 10).unwrap().is_empty(),
            "a longer word matches as a phrase"
        );
        assert_eq!(index.applied().unwrap(), 7);
        index.apply(&[], &[1], 8).unwrap();
        assert!(index.ids("天文", 10).unwrap().is_empty());
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn any_piece_of_a_text_is_found_not_only_jiebas_words() {
        // Found by the fuzz target `search`: "医药文化进" is no word of jieba's, and the
        // phrase of its pairs never matched while every pair sat at position 0.
        let (index, dir) = index();
        index
            .apply(
                &[
                    doc(1, "中医药文化进社区", "三门峡市湖滨区", 10),
                    doc(2, "文化进万家", "中医知识", 20),
                ],
                &[],
                1,
            )
            .unwrap();
        assert_eq!(index.ids("医药文化进", 10).unwrap(), [1]);
        assert_eq!(index.ids("化进社", 10).unwrap(), [1]);
        assert_eq!(index.ids("湖滨区", 10).unwrap(), [1]);
        assert!(
            index.ids("医文化", 10).unwrap().is_empty(),
            "pairs found apart are not the word"
        );
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn an_index_of_another_format_is_dropped_and_refilled() {
        let (index, dir) = index();
        index
            .apply(&[doc(1, "天文讲座", "面向公众", 1)], &[], 5)
            .unwrap();
        drop(index);
        std::fs::write(dir.join(FORMAT_FILE), "1").unwrap();
        let reopened = SearchIndex::open(&dir).unwrap();
        assert_eq!(reopened.applied().unwrap(), 0, "to be filled from the log");
        assert!(reopened.ids("天文", 10).unwrap().is_empty());
        drop(reopened);
        let again = SearchIndex::open(&dir).unwrap();
        assert_eq!(again.applied().unwrap(), 0);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn names_rank_above_details_and_later_starts_break_ties() {
        let (index, dir) = index();
        index
            .apply(
                &[
                    doc(1, "亲子活动", "天文知识讲座", 100),
                    doc(2, "天文讲座", "面向公众", 50),
                    doc(3, "天文讲座", "面向公众", 60),
                ],
                &[],
                1,
            )
            .unwrap();
        assert_eq!(index.ids("天文", 10).unwrap(), [3, 2, 1]);
        std::fs::remove_dir_all(dir).ok();
    }
}
