//! Test support shared by the CLI tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::ffi::OsStr;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A Python loopback service of the test suite (`test-vectors/tsa/tsa-server.py`,
/// `test-vectors/mobile-server/mobile_server.py`): started with `--port 0
/// --stop-on-stdin-eof`, it prints `listening PORT` once its socket accepts. Stopped on drop
/// by closing its stdin, killed if it does not stop within 5 s. Its stderr goes to `log`.
#[derive(Debug)]
pub(crate) struct Loopback {
    child: Child,
    stdin: Option<ChildStdin>,
    /// The port it listens on (127.0.0.1).
    pub(crate) port: u16,
    log: PathBuf,
}

impl Loopback {
    /// Starts `python3 script args...`.
    pub(crate) fn start<I, S>(script: &Path, args: I, log: PathBuf) -> Loopback
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut child = Command::new("python3")
            .arg(script)
            .args(["--port", "0", "--stop-on-stdin-eof"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(fs::File::create(&log).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("python3 {} starts: {e}", script.display()));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut svc = Loopback {
            child,
            stdin,
            port: 0,
            log,
        };
        let line = rx.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
        match line.trim().strip_prefix("listening ").map(str::parse) {
            Some(Ok(port)) => svc.port = port,
            _ => panic!(
                "{} did not start (first line {line:?}): {}",
                script.display(),
                fs::read_to_string(&svc.log).unwrap_or_default()
            ),
        }
        svc
    }

    /// `GET /stats` as JSON (both services count what they answered there).
    pub(crate) fn stats(&self) -> Value {
        let mut conn = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        conn.write_all(b"GET /stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut resp = String::new();
        conn.read_to_string(&mut resp).unwrap();
        let body = resp
            .split_once("\r\n\r\n")
            .map(|(_, b)| b)
            .unwrap_or_default();
        serde_json::from_str(body).unwrap_or_else(|e| panic!("/stats is not JSON ({e}): {resp}"))
    }

    /// `requests` from `/stats`.
    pub(crate) fn requests(&self) -> u64 {
        let v = self.stats();
        v["requests"]
            .as_u64()
            .unwrap_or_else(|| panic!("/stats: {v}"))
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        drop(self.stdin.take()); // EOF: the service shuts down and cleans up
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
