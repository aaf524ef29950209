"""Cross-site scripting payloads: the OWASP XSS filter evasion cheat sheet and its kin (PortSwigger's cheat sheet,
mutation XSS, Markdown and template injection). Each one, if it ran, would set `window.__xss` or open a dialog.

Every payload is at most 200 characters, so it fits any name field, and holds no NUL character.
"""

from __future__ import annotations

#: What the template-injection payloads compute (9437 * 7): the text must never appear on a page.
TEMPLATE_RESULT = "66059"

SCRIPT_TAGS = [
    "<script>window.__xss=1</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt>window['__x'+'ss']=1</sCrIpT>",
    "<script src=data:text/javascript,window.__xss=1></script>",
    "<script src=/static/js/attempt.js></script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script/xss>alert(1)</script>",
    "<<script>alert(1);//<</script>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<script>alert(String.fromCharCode(88,83,83))</script>",
    '<script type="text/javascript">window.__xss=1</script>',
    "<script>/*</script><script>*/alert(1)</script>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><script href=data:,alert(1) />",
    "<svg><script xlink:href=data:,window.__xss=1></script></svg>",
]

EVENT_HANDLERS = [
    "<img src=x onerror=alert(1)>",
    '<img src=x onerror="window.__xss=1">',
    '<IMG SRC=/ onerror="alert(1)">',
    '<img src="x" onerror="&#97;&#108;&#101;&#114;&#116;(1)">',
    "<img src=x:alert(alt) onerror=eval(src) alt=1>",
    '<img/src="x"/onerror=alert(1)>',
    "<img src=x oNeRrOr=alert(1)>",
    "<img src=x\nonerror=alert(1)>",
    "<img src=x onerror=&#x61;&#x6C;&#x65;&#x72;&#x74;&#x28;&#x31;&#x29;>",
    '<img """><script>alert(1)</script>">',
    '<IMG SRC=# onmouseover="alert(1)">',
    "<body onload=alert(1)>",
    "<body onpageshow=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg/onload=window.__xss=1>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<video><source onerror=alert(1)>",
    "<audio src=x onerror=alert(1)>",
    '<div onmouseover="alert(1)">hover me</div>',
    "<a onmouseover=alert(1)>hover</a>",
    "<b onclick=alert(1)>click</b>",
    "<p onpointerenter=alert(1)>x</p>",
    "<object data=x onerror=alert(1)>",
    "<iframe onload=alert(1)>",
    "<style onload=alert(1)></style>",
    "<x contenteditable onblur=alert(1)>lose focus</x>",
    "<div tabindex=1 autofocus onfocus=alert(1)></div>",
    "<img src=x onerror=alert(1)//",
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><set attributeName=onmouseover to=alert(1)>",
    "<svg><image href=x onerror=alert(1)>",
    "<input type=image src=x onerror=alert(1)>",
    "<keygen autofocus onfocus=alert(1)>",
]

URLS = [
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java&#0;script:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="javas&#99;ript:window.__xss=1">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="data:text/html;charset=utf-8,%3Cscript%3Ealert(1)%3C/script%3E">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="VBSCRIPT:msgbox(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<object data="javascript:alert(1)">',
    '<img src="javascript:alert(1)">',
    "<IMG SRC=javascript:alert('XSS')>",
    '<img dynsrc="javascript:alert(1)">',
    '<img lowsrc="javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "<isindex action=javascript:alert(1) type=image>",
    '<math><a xlink:href="javascript:alert(1)">x</a></math>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<img src="data:image/svg+xml;base64,'
    'PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoMSkiLz4=">',
    '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>x</text></a></svg>',
    '<a href="//evil.example/x">protocol-relative</a>',
    '<img src="//evil.example/x.png">',
    '<table background="javascript:alert(1)">',
    '<video poster="javascript:alert(1)">',
]

SVG_AND_FRAMES = [
    '<svg><foreignObject><iframe srcdoc="<script>alert(1)</script>"></iframe></foreignObject></svg>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<iframe srcdoc="&lt;img src=x onerror=alert(1)&gt;"></iframe>',
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' "
    "onerror='alert(1)'/></svg>#x\"/></svg>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<svg><desc><![CDATA[</desc><script>alert(1)</script>]]></svg>",
    "<svg><title><img src=x onerror=alert(1)></title></svg>",
    "<frameset onload=alert(1)>",
]

MUTATION = [
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math><mi><style><img src=x onerror=alert(1)></style></mi></math>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title=\"</style><img src onerror='alert(1)'>\">",
    "<style><img src=x onerror=alert(1)></style>",
    "<style>@import 'javascript:alert(1)';</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width:expression(alert(1))">x</div>',
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<noembed><img src=x onerror=alert(1)></noembed>",
    "<noframes><img src=x onerror=alert(1)></noframes>",
    "<template><img src=x onerror=alert(1)></template>",
    "<textarea><img src=x onerror=alert(1)></textarea>",
    "<title><img src=x onerror=alert(1)></title>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<![CDATA[><img src=x onerror=alert(1)>]]>",
    '<? foo="><script>alert(1)</script>">',
    "<!-- --!><img src=x onerror=alert(1)> -->",
    '<a title="a`<img src=x onerror=alert(1)>`">x</a>',
    "<select><style></select><img src=x onerror=alert(1)></style>",
]

BROKEN_MARKUP = [
    '<img src="x',
    "<<img src=x onerror=alert(1)//<",
    "<img src=x onerror=alert(1) ",
    '"onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    '" autofocus onfocus="window.__xss=1',
    "</p></div></section></main><script>alert(1)</script>",
    "</option></select><img src=x onerror=alert(1)>",
    "</style><script>alert(1)</script>",
    "]]><script>alert(1)</script>",
    "</svg><script>alert(1)</script>",
    "</dd></dl></table><img src=x onerror=alert(1)>",
    "<<SCRIPT>alert(1);//<</SCRIPT>",
    '<IMG SRC="jav\tascript:alert(1);">',
    "<a href='javascript:alert(1)'",
]

ENTITIES_AND_ENCODINGS = [
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    "\u202e<script>alert(1)</script>",
]

TEMPLATE_INJECTION = [
    "{{9437*7}}",
    "${9437*7}",
    "#{9437*7}",
    "<%= 9437*7 %>",
    "{{=9437*7}}",
    "{% print(9437*7) %}",
    "{{constructor.constructor('window.__xss=1')()}}",
    "{{''.__class__.__mro__}}",
    "[[${9437*7}]]",
    "{{config}}",
]

MARKDOWN = [
    "[md](javascript:alert(1))",
    "[md](JAVASCRIPT:alert(1))",
    "[md](javascript&#58;alert(1))",
    "![md](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[md](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[md][ref]\n\n[ref]: javascript:alert(1)",
    "[md](vbscript:msgbox(1))",
    "[md]( javascript:alert(1) )",
    "[md](<javascript:alert(1)>)",
    '[md](glossary:" onmouseover="alert(1))',
    '[md](https://example.org" onmouseover="alert(1))',
    "![md](https://evil.example/x.png)",
    "<img src=x onerror=alert(1)>`<img src=x onerror=alert(1)>`",
    "$<img src=x onerror=alert(1)>$",
    "[^1]\n\n[^1]: <img src=x onerror=alert(1)>",
]

#: Addresses a browser reads differently from how they are written (issue 16): the WHATWG URL parser strips leading
#: control characters, removes tabs and newlines (entity-encoded ones too, once the HTML is parsed) and reads \ as /.
#: Each with the part it must not become on a page.
DISGUISED_ADDRESSES = [
    ('<a href="\x01data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>', "data:text"),
    ('<a href="&#x01;javascript:alert(1)">x</a>', "javascript"),
    ('<a href="da&#x09;ta:text/html,%3Cscript%3Ealert(1)%3C/script%3E">x</a>', "data:text"),
    ('<img src="da&#x09;ta:image/svg+xml,%3Csvg%20onload%3Dalert(1)%3E">', "data:image/svg"),
    ('<img src="\x01data:image/svg+xml,%3Csvg%20onload%3Dalert(1)%3E">', "data:image/svg"),
    ('<a href="/\\evil.example/login">x</a>', "evil.example"),
    ('<img src="/\\evil.example/pixel.png">', "evil.example"),
    ('<img src="/\t/evil.example/pixel.png">', "evil.example"),
    ('<img src="/&#x09;/evil.example/pixel.png">', "evil.example"),
    ('<a href="/&#x0A;/evil.example/login">x</a>', "evil.example"),
    ('<img src="\\\\evil.example/pixel.png">', "evil.example"),
    ('<img src=" \x1f//evil.example/pixel.png">', "evil.example"),
]

PAYLOADS: list[str] = [
    *SCRIPT_TAGS,
    *EVENT_HANDLERS,
    *URLS,
    *SVG_AND_FRAMES,
    *MUTATION,
    *BROKEN_MARKUP,
    *ENTITIES_AND_ENCODINGS,
    *TEMPLATE_INJECTION,
    *MARKDOWN,
    *(address for address, _ in DISGUISED_ADDRESSES),
]


def chunks(payloads: list[str], size: int) -> list[str]:
    """The payloads packed, space-separated, into strings of at most `size` characters (a name field's length)."""
    packed: list[str] = []
    current = ""
    for payload in payloads:
        candidate = f"{current} {payload}" if current else payload
        if len(candidate) <= size:
            current = candidate
        else:
            packed.append(current)
            current = payload
    packed.append(current)
    return [chunk for chunk in packed if chunk]
