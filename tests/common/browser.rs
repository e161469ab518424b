//! A small browser for page tests: keeps cookies, sends a language, and
//! submits forms with the CSRF token of the last page it loaded.

use std::collections::BTreeMap;

use super::{csrf_token, TestInstance};

/// A browser: keeps cookies, sends a language, remembers the last form token.
pub struct Browser<'a> {
    instance: &'a TestInstance,
    pub cookies: BTreeMap<String, String>,
    lang: &'static str,
    pub token: String,
}

/// What came back.
pub struct Page {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
}

impl<'a> Browser<'a> {
    pub fn new(instance: &'a TestInstance, lang: &'static str) -> Self {
        Browser {
            instance,
            cookies: BTreeMap::new(),
            lang,
            token: String::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn read(&mut self, r: reqwest::Response) -> Page {
        for v in r.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let (pair, attributes) = v.split_once(';').unwrap_or((v, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        let headers = r.headers().clone();
        let body = r.text().await.unwrap();
        if let Some(token) = csrf_token(&body) {
            self.token = token;
        }
        Page {
            status,
            body,
            location,
            headers,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let r = self
            .instance
            .client
            .get(self.instance.url(path))
            .header("Accept-Language", self.lang)
            .header("Cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.read(r).await
    }

    /// Posts a form with the page's CSRF token.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.token.clone();
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &token));
        self.post_raw(path, &fields).await
    }

    /// Posts a form as given (no token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let r = self
            .instance
            .client
            .post(self.instance.url(path))
            .header("Accept-Language", self.lang)
            .header("Cookie", self.cookie_header())
            .form(fields)
            .send()
            .await
            .unwrap();
        self.read(r).await
    }

    /// Posts a body of the given type as is (a multipart upload, say).
    pub async fn post_body(&mut self, path: &str, content_type: &str, body: Vec<u8>) -> Page {
        let r = self
            .instance
            .client
            .post(self.instance.url(path))
            .header("Accept-Language", self.lang)
            .header("Cookie", self.cookie_header())
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        self.read(r).await
    }

    /// Follows a redirect answer.
    pub async fn follow(&mut self, page: &Page) -> Page {
        assert_eq!(page.status, 303, "{}", page.body);
        let to = page.location.clone().expect("a redirect");
        self.get(to.split('#').next().unwrap()).await
    }

    pub async fn log_in(&mut self, name: &str) {
        self.get("/login").await;
        let page = self
            .post(
                "/login",
                &[("login", name), ("password", "correct horse battery")],
            )
            .await;
        assert_eq!(page.status, 303, "{}", page.body);
        assert!(self.cookies.contains_key("recolte_session"));
        self.get("/").await;
    }
}
