"""Both XSS corpora (tests/data/xss/) in a real Chromium: a forum topic whose title is a
payload holds every payload of PayloadsAllTheThings and the OWASP cheat sheet as stored
posts, written by a person whose name is a payload and linking a listing whose title is a
payload; while the page is open another person posts more payloads through the API and the
post is inserted live. Nothing runs: no dialog opens, `alert`, `confirm`, `prompt` and
`print` (wrapped before any page script to count their calls) are never called, the page
reports no CSP violation (so the policy was not what stopped a payload), and the DOM of the
posts holds no script, no event-handler attribute and no javascript:/vbscript:/data: link.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, LiveServer, log_in, make_people, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

POSTS_CODE = """
from community.models import Organisation, OrganisationMembership, User
from forums.models import ForumKind
from forums.services.forums import forum_create
from forums.services.topics import post_reply, topic_create
from messaging.services.listings import listing_create
from tests.xss_support import ALL_PAYLOADS, OWASP_PAYLOADS
lab = Organisation.objects.create(
    name=OWASP_PAYLOADS[3][:200], slug="xss-lab", type="cluster", country="DK",
    status="published",
)
writer = User.objects.get(pk=params["writer"])
writer.full_name = OWASP_PAYLOADS[0][:150]
writer.save()
OrganisationMembership.objects.create(organisation=lab, user=writer, role="admin")
listing = listing_create(
    author=writer, organisation=lab, kind="offer", category="technology",
    title=" ".join(OWASP_PAYLOADS[5].split())[:200], description="A payload listing.",
)
group = forum_create(kind=ForumKind.COMMUNITY, name="Open discussion").groups.first()
topic = topic_create(author=writer, group=group, title=" ".join(ALL_PAYLOADS[1].split())[:200],
                     body=f"Our offer: /xchange/listings/{listing.pk}/")
# Many payloads a post (a post holds 20,000 characters), each its own paragraph.
chunk, posts = [], 0
for payload in ALL_PAYLOADS:
    chunk.append(payload)
    if sum(len(p) + 2 for p in chunk) > 15_000:
        post_reply(author=writer, topic=topic, body="\\n\\n".join(chunk))
        chunk, posts = [], posts + 1
if chunk:
    post_reply(author=writer, topic=topic, body="\\n\\n".join(chunk))
    posts += 1
result = {"topic": topic.pk, "posts": posts + 1, "live": "\\n\\n".join(OWASP_PAYLOADS[::2])}
"""

# Before any page script: count calls of the functions payloads call, and CSP violations.
SENTINEL = """
window.__xssCalls = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  const original = window[name];
  window[name] = function (...args) {
    window.__xssCalls.push(`${name}(${args.map(String).join(",")})`);
    return original.apply(this, args);
  };
}
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""

DOM_PROBLEMS = """
() => {
  const problems = [];
  const root = document.getElementById("forum-topic").parentElement;
  for (const node of root.querySelectorAll("*")) {
    const tag = node.tagName.toLowerCase();
    if (["iframe", "object", "embed", "svg", "math", "img", "form", "style", "base"].includes(tag)
        && node.closest(".post-body, .post-head, .listing-cards, h1")) problems.push(`<${tag}>`);
    if (tag === "script") problems.push(`<script> ${node.outerHTML.slice(0, 80)}`);
    for (const attr of node.attributes) {
      if (attr.name.startsWith("on")) problems.push(`${tag}[${attr.name}]`);
    }
    for (const name of ["href", "src", "action", "formaction", "xlink:href"]) {
      const value = node.getAttribute(name);
      if (value === null) continue;
      let scheme = "";
      try { scheme = new URL(value, document.baseURI).protocol; } catch (error) { continue; }
      if (["javascript:", "vbscript:", "data:"].includes(scheme)) {
        problems.push(`${tag}[${name}]=${value}`);
      }
    }
  }
  return problems;
}
"""

LIVE_POST = """
async ([topic, body]) => {
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const answer = await fetch(`/api/v1/forums/topics/${topic}/posts/`, {
    method: "POST",
    headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
    body: JSON.stringify({body}),
  });
  return answer.status;
}
"""


def test_stored_and_live_payloads_run_nothing(site_server: LiveServer, browser: Any) -> None:
    from playwright.sync_api import expect

    reader, writer, poster = make_people(site_server, "Anna Berg", "Xavier Test", "Marc Dupont")
    made = site_server.django(POSTS_CODE, writer=writer["id"])
    url = f"{site_server.url}/forums/topics/{made['topic']}/"

    anna = new_page(browser, DESKTOP)
    dialogs: list[str] = []
    anna.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    console: list[str] = []
    anna.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    anna.add_init_script(SENTINEL)
    log_in(anna, site_server, reader["email"])
    anna.goto(url)
    posts = anna.locator("#post-list li.post")
    expect(posts).to_have_count(made["posts"])
    expect(anna.locator(".listing-card")).to_have_count(1)
    # Hover and focus every post body: handlers tied to those would run now.
    for body in anna.locator(".post-body").all()[:20]:
        body.hover()

    # Marc posts more payloads while Anna reads: the post comes in on the live topic.
    marc = new_page(browser, DESKTOP)
    log_in(marc, site_server, poster["email"])
    marc.goto(url)
    assert marc.evaluate(LIVE_POST, [made["topic"], made["live"]]) == 201
    expect(posts).to_have_count(made["posts"] + 1)
    live_post = posts.last
    expect(live_post).to_contain_text("Marc Dupont")
    live_post.hover()
    # One more harmless frame through the same socket: everything before it was handled.
    assert marc.evaluate(LIVE_POST, [made["topic"], "Done."]) == 201
    expect(posts.last).to_contain_text("Done.")

    assert dialogs == []
    assert anna.evaluate("() => window.__xssCalls") == []
    assert anna.evaluate("() => window.__cspViolations") == []
    assert anna.evaluate(DOM_PROBLEMS) == []
    assert [line for line in console if "Content Security Policy" in line] == []
    shot(anna, "forum-xss-topic")
    # The sentinels are live: a script that does run is seen by all of them.
    anna.evaluate("() => alert('control')")
    assert dialogs == ["control"]
    assert anna.evaluate("() => window.__xssCalls") == ["alert(control)"]
