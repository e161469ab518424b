//! Media attachments: images members upload and images of posts from other
//! instances. An upload is recognised by its bytes (PNG, JPEG, GIF or WebP,
//! whatever the client claims), bounded in size, measured (width and height
//! from its header) and written under the data folder (`media/`) with a
//! random name; a remote image stays a reference to its origin and is never
//! downloaded. Here too: describing an image (alt text, focus), attaching
//! up to four to a status (the owner's own, unattached or already on it),
//! and loading the attachments of a page of statuses in one query.

use std::collections::HashMap;
use std::path::PathBuf;

use diesel::prelude::*;

use super::content::Target;
use crate::config::Config;
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::{media, statuses};

/// Longest description (alt text), in characters.
pub const DESCRIPTION_MAX_CHARS: usize = 1500;
/// Most attachments on one status.
pub const MAX_PER_STATUS: usize = 4;
/// Longest URL of a remote image kept.
const REMOTE_URL_MAX: usize = 2000;
/// The folder of uploads under the data folder.
const FOLDER: &str = "media";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = media)]
pub struct Media {
    pub id: i64,
    pub owner_id: i64,
    pub status_id: Option<i64>,
    pub file_name: Option<String>,
    pub remote_url: Option<String>,
    pub content_type: String,
    pub description: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub focus_x: f64,
    pub focus_y: f64,
    pub byte_size: i64,
    pub position: i32,
    pub created_at: chrono::NaiveDateTime,
}

impl Media {
    /// Where the image is seen: our file path, or its origin.
    pub fn url(&self, config: &Config) -> String {
        match (&self.file_name, &self.remote_url) {
            (Some(name), _) => file_url(config, name),
            (None, Some(url)) => url.clone(),
            (None, None) => String::new(),
        }
    }
}

/// The public URL of a stored file.
pub fn file_url(config: &Config, file_name: &str) -> String {
    format!("{}/media/{file_name}", config.base_url())
}

/// The image formats accepted, recognised by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Gif,
    Webp,
}

impl ImageKind {
    /// The kind of an image, from its bytes; `None` for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageKind::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(ImageKind::Gif)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(ImageKind::Webp)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Gif => "image/gif",
            ImageKind::Webp => "image/webp",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
            ImageKind::Gif => "gif",
            ImageKind::Webp => "webp",
        }
    }

    /// The kind of a stored file, from the extension we gave it.
    fn of_extension(extension: &str) -> Option<ImageKind> {
        [
            ImageKind::Png,
            ImageKind::Jpeg,
            ImageKind::Gif,
            ImageKind::Webp,
        ]
        .into_iter()
        .find(|k| k.extension() == extension)
    }
}

/// An image checked and written to the data folder, not yet recorded.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub file_name: String,
    pub kind: ImageKind,
    pub width: i32,
    pub height: i32,
    pub byte_size: i64,
}

fn folder(config: &Config) -> PathBuf {
    config.data_dir.join(FOLDER)
}

/// Checks an uploaded image (size, format by its bytes, readable header)
/// and writes it under a random name.
pub fn store_file(config: &Config, bytes: &[u8]) -> Result<StoredFile, Error> {
    if bytes.len() > config.media_max_bytes as usize {
        return Err(Error::invalid(
            "file",
            format!(
                "is too large: at most {} bytes are accepted",
                config.media_max_bytes
            ),
        ));
    }
    let kind = ImageKind::sniff(bytes)
        .ok_or_else(|| Error::invalid("file", "is not a PNG, JPEG, GIF or WebP image"))?;
    let size = imagesize::blob_size(bytes)
        .map_err(|_| Error::invalid("file", "is a damaged image: its size cannot be read"))?;
    let dimension = |n: usize| i32::try_from(n).ok().filter(|n| *n > 0);
    let (Some(width), Some(height)) = (dimension(size.width), dimension(size.height)) else {
        return Err(Error::invalid("file", "has an impossible width or height"));
    };
    let file_name = format!(
        "{}.{}",
        &super::sessions::random_token()[..32],
        kind.extension()
    );
    let dir = folder(config);
    std::fs::create_dir_all(&dir)
        .and_then(|_| std::fs::write(dir.join(&file_name), bytes))
        .map_err(|e| Error::Internal(format!("cannot write {file_name}: {e}")))?;
    Ok(StoredFile {
        file_name,
        kind,
        width,
        height,
        byte_size: bytes.len() as i64,
    })
}

/// Removes a stored file no record names any more (or whose record could
/// not be written).
pub fn remove_file(config: &Config, file_name: &str) {
    if let Err(e) = std::fs::remove_file(folder(config).join(file_name)) {
        tracing::warn!(error = %e, file_name, "a file no record names stays on disk");
    }
}

/// The stored file behind one of our media URLs, if it is one.
pub fn own_file<'a>(config: &Config, url: &'a str) -> Option<&'a str> {
    let name = url.strip_prefix(&file_url(config, ""))?;
    served_file(config, name).map(|_| name)
}

/// A stored file to serve: its path and content type, when the name is
/// one we could have given (hex and a known extension).
pub fn served_file(config: &Config, file_name: &str) -> Option<(PathBuf, &'static str)> {
    let (stem, extension) = file_name.split_once('.')?;
    let kind = ImageKind::of_extension(extension)?;
    let well_formed = stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit());
    well_formed.then(|| (folder(config).join(file_name), kind.content_type()))
}

/// A focal point: x and y, each from -1.0 to 1.0.
type Focus = (f64, f64);

/// How an image is described: alt text and focal point.
#[derive(Debug, Clone, Default)]
pub struct Description {
    pub text: Option<String>,
    /// `x,y`, each from -1.0 to 1.0.
    pub focus: Option<String>,
}

impl Description {
    /// The checked alt text (trimmed) and focus, when given.
    fn validate(&self) -> Result<(Option<String>, Option<Focus>), Error> {
        let text = self.text.as_deref().map(str::trim);
        if text.is_some_and(|t| t.chars().count() > DESCRIPTION_MAX_CHARS) {
            return Err(Error::invalid(
                "description",
                format!("must be at most {DESCRIPTION_MAX_CHARS} characters long"),
            ));
        }
        let focus = match self
            .focus
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            None => None,
            Some(f) => {
                let bad = || Error::invalid("focus", "must be two numbers x,y from -1.0 to 1.0");
                let (x, y) = f.split_once(',').ok_or_else(bad)?;
                let coordinate = |v: &str| {
                    v.trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|n| (-1.0..=1.0).contains(n))
                        .ok_or_else(bad)
                };
                Some((coordinate(x)?, coordinate(y)?))
            }
        };
        Ok((text.map(str::to_string), focus))
    }
}

/// A member uploads an image: checked, written, recorded (unattached).
pub fn upload(
    conn: &mut DbConn,
    config: &Config,
    owner_id: i64,
    bytes: &[u8],
    description: &Description,
) -> Result<Media, Error> {
    let (text, focus) = description.validate()?;
    let file = store_file(config, bytes)?;
    let (focus_x, focus_y) = focus.unwrap_or((0.0, 0.0));
    let inserted = diesel::insert_into(media::table)
        .values((
            media::owner_id.eq(owner_id),
            media::file_name.eq(&file.file_name),
            media::content_type.eq(file.kind.content_type()),
            media::description.eq(text.unwrap_or_default()),
            media::width.eq(file.width),
            media::height.eq(file.height),
            media::focus_x.eq(focus_x),
            media::focus_y.eq(focus_y),
            media::byte_size.eq(file.byte_size),
            media::created_at.eq(super::now()),
        ))
        .returning(media::id)
        .get_result::<i64>(conn);
    match inserted {
        Ok(id) => own(conn, owner_id, id),
        Err(e) => {
            remove_file(config, &file.file_name);
            Err(e.into())
        }
    }
}

/// An image of `owner_id` (someone else's is not found).
pub fn own(conn: &mut DbConn, owner_id: i64, id: i64) -> Result<Media, Error> {
    media::table
        .find(id)
        .filter(media::owner_id.eq(owner_id))
        .select(Media::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound("Record not found".into()))
}

/// The owner changes an image's description or focus.
pub fn describe(
    conn: &mut DbConn,
    owner_id: i64,
    id: i64,
    description: &Description,
) -> Result<Media, Error> {
    let (text, focus) = description.validate()?;
    let current = own(conn, owner_id, id)?;
    let (focus_x, focus_y) = focus.unwrap_or((current.focus_x, current.focus_y));
    diesel::update(media::table.find(id))
        .set((
            media::description.eq(text.unwrap_or(current.description)),
            media::focus_x.eq(focus_x),
            media::focus_y.eq(focus_y),
        ))
        .execute(conn)?;
    own(conn, owner_id, id)
}

/// The ids of `media_ids` as numbers, at most [`MAX_PER_STATUS`], each once.
pub fn parse_ids(ids: &[String]) -> Result<Vec<i64>, Error> {
    if ids.len() > MAX_PER_STATUS {
        return Err(Error::invalid(
            "media_ids",
            format!("a status has at most {MAX_PER_STATUS} attachments"),
        ));
    }
    let mut parsed = Vec::with_capacity(ids.len());
    for id in ids {
        let n = id
            .trim()
            .parse::<i64>()
            .map_err(|_| Error::invalid("media_ids", format!("'{id}' is not a media id")))?;
        if !parsed.contains(&n) {
            parsed.push(n);
        }
    }
    Ok(parsed)
}

/// The status id of a post or comment.
pub(super) fn status_id_of(conn: &mut DbConn, target: &Target) -> Result<i64, Error> {
    let query = statuses::table.select(statuses::id);
    Ok(match target {
        Target::Post(p) => query.filter(statuses::post_id.eq(p.id)).first(conn)?,
        Target::Comment(c) => query.filter(statuses::comment_id.eq(c.id)).first(conn)?,
    })
}

/// Makes `ids` (in order) the attachments of a status by `owner_id`: each
/// must be the owner's own and unattached or already on this status;
/// attachments left out go back to being unattached.
pub fn attach(conn: &mut DbConn, owner_id: i64, target: &Target, ids: &[i64]) -> Result<(), Error> {
    if ids.len() > MAX_PER_STATUS {
        return Err(Error::invalid(
            "media_ids",
            format!("a status has at most {MAX_PER_STATUS} attachments"),
        ));
    }
    let status_id = status_id_of(conn, target)?;
    let found: Vec<Media> = media::table
        .filter(media::id.eq_any(ids))
        .select(Media::as_select())
        .load(conn)?;
    for id in ids {
        let usable = found.iter().any(|m| {
            m.id == *id
                && m.owner_id == owner_id
                && m.file_name.is_some()
                && m.status_id.is_none_or(|s| s == status_id)
        });
        if !usable {
            return Err(Error::invalid(
                "media_ids",
                format!("media {id} does not exist, is not yours or is attached elsewhere"),
            ));
        }
    }
    diesel::update(
        media::table
            .filter(media::status_id.eq(status_id))
            .filter(media::id.ne_all(ids)),
    )
    .set(media::status_id.eq(None::<i64>))
    .execute(conn)?;
    for (position, id) in ids.iter().enumerate() {
        diesel::update(media::table.find(id))
            .set((
                media::status_id.eq(status_id),
                media::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// An image of a post from another instance, as its object describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteMedia {
    pub url: String,
    pub content_type: String,
    pub description: String,
}

impl RemoteMedia {
    /// The images among an object's attachments (`Document` or `Image`
    /// with an http(s) URL and an image type or none), at most
    /// [`MAX_PER_STATUS`]; links and other media are left out.
    pub fn from_attachments(
        attachments: &[recolte_federation::incoming::Attachment],
    ) -> Vec<RemoteMedia> {
        attachments
            .iter()
            .filter(|a| matches!(a.kind.as_str(), "Document" | "Image"))
            .filter_map(|a| {
                let url = a.url.as_deref()?;
                let web = url.starts_with("https://") || url.starts_with("http://");
                if !web || url.len() > REMOTE_URL_MAX {
                    return None;
                }
                let content_type = match a.media_type.as_deref() {
                    Some(t) if t.starts_with("image/") && t.len() <= 100 => t.to_string(),
                    Some(_) => return None,
                    None => "image/*".to_string(),
                };
                Some(RemoteMedia {
                    url: url.to_string(),
                    content_type,
                    description: a
                        .name
                        .as_deref()
                        .unwrap_or_default()
                        .trim()
                        .chars()
                        .take(DESCRIPTION_MAX_CHARS)
                        .collect(),
                })
            })
            .take(MAX_PER_STATUS)
            .collect()
    }
}

/// Records the images of a post or comment received from another instance.
pub fn attach_remote(
    conn: &mut DbConn,
    owner_id: i64,
    target: &Target,
    images: &[RemoteMedia],
) -> Result<(), Error> {
    if images.is_empty() {
        return Ok(());
    }
    let status_id = status_id_of(conn, target)?;
    let now = super::now();
    for (position, image) in images.iter().take(MAX_PER_STATUS).enumerate() {
        diesel::insert_into(media::table)
            .values((
                media::owner_id.eq(owner_id),
                media::status_id.eq(status_id),
                media::remote_url.eq(&image.url),
                media::content_type.eq(&image.content_type),
                media::description.eq(&image.description),
                media::position.eq(position as i32),
                media::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The attachments of statuses, each list in order (one query).
pub fn of_statuses(
    conn: &mut DbConn,
    status_ids: &[i64],
) -> Result<HashMap<i64, Vec<Media>>, Error> {
    let rows: Vec<Media> = media::table
        .filter(media::status_id.eq_any(status_ids))
        .order((media::status_id, media::position))
        .select(Media::as_select())
        .load(conn)?;
    let mut by_status: HashMap<i64, Vec<Media>> = HashMap::new();
    for m in rows {
        if let Some(s) = m.status_id {
            by_status.entry(s).or_default().push(m);
        }
    }
    Ok(by_status)
}

/// The attachments of one post or comment, in order.
pub fn of_target(conn: &mut DbConn, target: &Target) -> Result<Vec<Media>, Error> {
    let status_id = status_id_of(conn, target)?;
    Ok(of_statuses(conn, &[status_id])?
        .remove(&status_id)
        .unwrap_or_default())
}

/// An attachment as an ActivityStreams `Document` (Mastodon's way), with
/// its alt text as `name`.
pub fn activity_json(config: &Config, m: &Media) -> serde_json::Value {
    let mut value = serde_json::json!({
        "type": "Document",
        "mediaType": m.content_type,
        "url": m.url(config),
        "name": if m.description.is_empty() { None } else { Some(&m.description) },
    });
    if let (Some(w), Some(h)) = (m.width, m.height) {
        value["width"] = w.into();
        value["height"] = h.into();
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_recognised_by_their_bytes() {
        assert_eq!(
            ImageKind::sniff(b"\x89PNG\r\n\x1a\nrest"),
            Some(ImageKind::Png)
        );
        assert_eq!(
            ImageKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(ImageKind::Jpeg)
        );
        assert_eq!(ImageKind::sniff(b"GIF89a..."), Some(ImageKind::Gif));
        assert_eq!(
            ImageKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(ImageKind::Webp)
        );
        assert_eq!(ImageKind::sniff(b"<svg xmlns=..."), None);
        assert_eq!(ImageKind::sniff(b"RIFF\0\0\0\0WAVE"), None);
    }

    #[test]
    fn served_names_are_ours_only() {
        let config = crate::config::Config::from_sources(None, "", &Default::default()).unwrap();
        let name = format!("{}.png", "a".repeat(32));
        assert_eq!(served_file(&config, &name).unwrap().1, "image/png");
        assert!(served_file(&config, "../../etc/passwd").is_none());
        assert!(served_file(&config, &format!("{}.svg", "a".repeat(32))).is_none());
        assert!(served_file(&config, "short.png").is_none());
    }

    #[test]
    fn descriptions_and_ids_are_bounded() {
        let long = Description {
            text: Some("x".repeat(DESCRIPTION_MAX_CHARS + 1)),
            focus: None,
        };
        assert!(long.validate().is_err());
        let focus = |f: &str| {
            Description {
                text: None,
                focus: Some(f.into()),
            }
            .validate()
        };
        assert_eq!(focus("0.5,-1").unwrap().1, Some((0.5, -1.0)));
        assert!(focus("2,0").is_err());
        assert!(focus("nope").is_err());
        assert_eq!(parse_ids(&["3".into(), "3".into()]).unwrap(), vec![3]);
        assert!(parse_ids(&["x".into()]).is_err());
        assert!(parse_ids(&vec!["1".to_string(); 5]).is_err());
    }
}
