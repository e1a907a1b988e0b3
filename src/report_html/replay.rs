//! `replay.html`: one self-contained page that steps through a run event by event. The
//! data (every task's and instance's life, the narration) is embedded as JSON; the viewer
//! is plain JavaScript (`replay/replay.js`, whose pure functions `node --test` exercises).

use crate::report::replay::ReplayData;

const SCRIPT: &str = include_str!("replay/replay.js");
const STYLE: &str = include_str!("replay/replay.css");

/// The page for a run's replay data.
pub fn page(data: &ReplayData) -> String {
    // `</` inside a script element would end it early; JSON allows the escaped slash.
    let json = serde_json::to_string(data)
        .expect("replay data is plain strings and numbers")
        .replace("</", "<\\/");
    let title = html_escape(&data.name);
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — replay</title>
<style>{base}{STYLE}</style></head>
<body><main>
<h1>{title}: replay</h1>
{lesson}<p class="meta">seed {seed}; {instances} instance(s), {tasks} task(s), {events} narrated line(s). « prev and next » (← →) step one decision at a time, even within one instant; play with space; click a task or instance for its history.</p>
<div class="controls">
<button id="prev" title="previous event (←)">« prev</button>
<button id="play" title="play or pause (space)">▶ play</button>
<button id="next" title="next event (→)">next »</button>
<span id="clock">00:00:00</span>
<input id="slider" type="range" min="0" step="1" value="0" aria-label="simulated time">
<form id="jump"><input id="jump-to" placeholder="10:00" aria-label="jump to time"> <button>go</button></form>
<label>speed <select id="speed"><option value="1">1×</option><option value="10">10×</option><option value="60" selected>60×</option><option value="600">600×</option></select></label>
<div id="status"></div>
</div>
<div id="timeline"><svg id="timeline-svg" viewBox="0 0 1000 76" preserveAspectRatio="none"></svg></div>
<div id="axis"></div>
<div id="timeline-max"></div>
<div id="metrics"></div>
<div id="legend"></div>
<div id="revisions"></div>
<div class="layout">
<div><div id="queue"></div><div id="cluster"></div><div id="stopped"></div></div>
<div><h3>narration</h3><div id="narration"></div><div id="details"></div></div>
</div>
</main>
<div id="steplog"></div>
<script type="application/json" id="replay-data">{json}</script>
<script>{SCRIPT}</script>
</body></html>
"#,
        base = super::page::STYLE,
        seed = data.seed,
        instances = data.instances.len(),
        tasks = data.tasks.len(),
        events = data.narration.len(),
        lesson = lesson(data),
    )
}

/// The lesson's look-for and question, the answer folded until the learner opens it.
fn lesson(data: &ReplayData) -> String {
    let Some(l) = &data.lesson else {
        return String::new();
    };
    let try_this = l.try_this.as_deref().map_or(String::new(), |t| {
        format!("<p><b>Try this:</b> {}</p>", prose(t))
    });
    format!(
        r#"<section id="lesson"><p><b>Look for</b> {}</p><p><b>Question:</b> {}</p><details><summary>Answer</summary><p>{}</p>{try_this}</details></section>
"#,
        prose(&l.look_for),
        prose(&l.question),
        prose(&l.answer)
    )
}

/// Escaped text with `backticked` words set as code, as the lessons write them.
fn prose(text: &str) -> String {
    html_escape(text)
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_string()
            }
        })
        .collect()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
