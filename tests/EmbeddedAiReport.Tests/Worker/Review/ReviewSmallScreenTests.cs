using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Playwright;

namespace EmbeddedAiReport.Tests.Worker.Review;

/// <summary>
/// The review site on a phone and zoomed in (Debian's Chromium through Playwright): the week page with a full draft, the
/// login page and the publish confirmation, measured against WCAG 2.1/2.2 — 1.4.10 Reflow (320 CSS px wide, nothing scrolls
/// sideways), 1.4.4 Resize text (200 %), 2.5.8 Target size (24 × 24 CSS px) — and a viewport meta a phone lays the page out by.
/// </summary>
public sealed class ReviewSmallScreenTests(Chromium chromium, ReviewSmallScreenTests.FullWeek week)
    : IClassFixture<Chromium>, IClassFixture<ReviewSmallScreenTests.FullWeek>
{
    /// <summary>
    /// The review site's week with more real items in it (long English titles, arXiv papers, summaries with long unbroken
    /// URLs: 2019-03-31 and 2019-08-15) and a story (a paper and a post about it, folded under the paper). The tests only read.
    /// </summary>
    public sealed class FullWeek : IAsyncLifetime
    {
        public ReviewSite Site { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Site = await ReviewSite.StartAsync();
            IssueItem Paper(string title, string url, string summary) => new("papers", title, url, null, summary, []);
            Site.Serve([
                .. Site.Items, .. CorpusFeeds.Items("2019-03-31.md"), .. CorpusFeeds.Items("2019-08-15.md"),
                Paper("YOLOv4: Optimal Speed and Accuracy of Object Detection", "https://arxiv.org/abs/2004.10934",
                    "There are a huge number of features which are said to improve CNN accuracy; quantization-friendly, on-device detector."),
                Paper("AlexeyAB的Darknet发布YOLO v4及论文：速度效果双提升 | 机器之心", "https://mp.weixin.qq.com/s/XEPhK81Ms-wdDnoz5oPZgA",
                    "YOLOv4 在取得与 EfficientDet 同等性能的情况下，速度是 EfficientDet 的二倍，适合移动端部署。论文：https://arxiv.org/abs/2004.10934"),
            ]);
            var poll = await Site.CliAsync("poll");
            Assert.True(poll.ExitCode == 0, poll.Out + poll.Error);
        }

        public async Task DisposeAsync() => await Site.DisposeAsync();
    }

    // week: the week's page, every edit form and story fold open; login: /review/login; confirm: the page a Publish posted
    // without the script answers with (the issue as it will be recorded).
    private async Task<IPage> OpenAsync(string name, Screen screen)
    {
        var page = await chromium.NewPageAsync(screen, script: name != "confirm");
        page.SetDefaultTimeout(Patience.Milliseconds);
        var site = week.Site;
        await page.GotoAsync(new Uri(site.BaseUri, name == "login" ? "review/login" : $"review/{ReviewSite.Week}").ToString());
        if (name == "week")
        {
            await page.WaitForFunctionAsync("() => document.body.dataset.ready === '1'");
            await page.EvaluateAsync("() => document.querySelectorAll('details').forEach(fold => { fold.open = true; })");
            await page.WaitForFunctionAsync("() => !document.body.dataset.busy");   // the members' actions fetched into their rows
            Assert.True(await page.Locator("details.members article.entry").CountAsync() > 0, "no story member on the page");
        }
        if (name == "confirm")
        {
            await page.Locator("form.publish button").ClickAsync();
            await page.WaitForSelectorAsync("body.confirm");
        }
        return page;
    }

    [Theory]
    [InlineData("week", "small phone")]
    [InlineData("week", "laptop at 400 %")]
    [InlineData("login", "small phone")]
    [InlineData("login", "laptop at 400 %")]
    [InlineData("confirm", "small phone")]
    [InlineData("confirm", "laptop at 400 %")]
    public async Task Page_OnAPhoneAndAt400PercentZoom_HasAViewportAndNothingScrollsSideways(string name, string screen)
    {
        // WCAG 1.4.10: at 320 CSS px wide (a 1280 px laptop at 400 %) the content reflows into the width, long titles,
        // URLs and arXiv ids included; neither the page nor a part of it scrolls sideways. Without the viewport meta a phone
        // lays the page out 980 px wide and shrinks it.
        var page = await OpenAsync(name, Screen.Named(screen));

        var viewport = await page.EvaluateAsync<string?>("() => document.querySelector('meta[name=viewport]')?.content ?? null");
        var sideways = await page.EvaluateAsync<string[]>(Sideways);

        Assert.True(sideways.Length == 0, string.Join("\n", sideways.Take(10)));
        Assert.Equal("width=device-width, initial-scale=1", viewport);
    }

    [Theory]
    [InlineData("week", "small phone")]
    [InlineData("week", "laptop at 400 %")]
    [InlineData("week", "laptop")]
    [InlineData("login", "small phone")]
    [InlineData("login", "laptop")]
    [InlineData("confirm", "small phone")]
    [InlineData("confirm", "laptop")]
    public async Task Page_EveryLinkAndControl_IsAtLeast24By24CssPixelsOrSpacedSo(string name, string screen)
    {
        // WCAG 2.5.8 (2.2, AA): a target is at least 24 × 24 CSS px, or a 24 px circle on its centre meets no other target
        // nor another small target's circle. On a narrow screen the week links and the counts bar's links, 16 px high, wrap
        // onto lines of their own, one above the other: a thumb took the link above or below.
        var page = await OpenAsync(name, Screen.Named(screen));

        var small = await page.EvaluateAsync<string[]>(SmallTargets);

        Assert.True(small.Length == 0, string.Join("\n", small.Take(20)));
    }

    [Theory]
    [InlineData("week")]
    [InlineData("confirm")]
    public async Task Draft_At400PercentZoom_IsPartOfThePage_NotABoxOfAFewLines(string name)
    {
        // On a narrow screen the draft was a box 70 % of the screen high that scrolls on its own: 140 px of a 200 px high
        // window at 400 %, a few lines at a time, a scroller inside the page's scroller. The confirmation page, the issue as
        // it will be recorded, was boxed the same.
        var page = await OpenAsync(name, Screen.Zoomed400);

        var (scroll, client) = await DraftHeightsAsync(page);

        Assert.True(scroll <= client + 1, $"the draft shows {client} px of its {scroll}");
    }

    [Fact]
    public async Task Draft_OnAPhoneUpright_StaysABoxOfMostOfTheScreen()
    {
        // The preview comes after every entry; upright on a phone it keeps to a box, as before (a flick scrolls past it).
        var page = await OpenAsync("week", Screen.SmallPhone);

        var (scroll, client) = await DraftHeightsAsync(page);

        Assert.True(scroll > client && client <= 0.7 * Screen.SmallPhone.Height + 1, $"the draft box is {client} px high of {scroll}");
    }

    private static async Task<(double Scroll, double Client)> DraftHeightsAsync(IPage page)
    {
        var heights = await page.Locator("#draft-md").EvaluateAsync<double[]>("draft => [draft.scrollHeight, draft.clientHeight]");
        return (heights[0], heights[1]);
    }

    [Theory]
    [InlineData("week")]
    [InlineData("login")]
    [InlineData("confirm")]
    public async Task Page_TextSetTwiceAsLargeInTheBrowser_AllOfItsTextDoubles_AndNothingScrollsSideways(string name)
    {
        // WCAG 1.4.4: a browser's text size setting (the root font size) doubles the text. The page's text was 15px and the
        // draft 13px: fixed sizes that only zooming the whole page enlarged.
        var page = await OpenAsync(name, Screen.Laptop);

        var fixedSizes = await page.EvaluateAsync<string[]>(NotDoubled);
        var sideways = await page.EvaluateAsync<string[]>(Sideways);

        Assert.True(fixedSizes.Length == 0, string.Join("\n", fixedSizes.Take(10)));
        Assert.True(sideways.Length == 0, string.Join("\n", sideways.Take(10)));
    }

    // An element as a CSS selector says it (tag#id.class), for the messages.
    private const string ElementName = "const name = (e) => `${e.localName}${e.id ? '#' + e.id : ''}${e.className ? '.' + String(e.className).trim().replace(/\\s+/g, '.') : ''}`;";

    // The page when it is wider than the window, and each element whose content is wider than it is and which scrolls or
    // clips it (form fields, whose text scrolls in them by nature, and text clipped to nothing on purpose, read only by a
    // screen reader, aside).
    private const string Sideways = $$"""
        () => {
          {{ElementName}}
          const out = [];
          const page = document.scrollingElement;
          if (page.scrollWidth > page.clientWidth) out.push(`the page: ${page.scrollWidth} px wide in a window of ${page.clientWidth}`);
          for (const e of document.querySelectorAll('body *')) {
            if (e.matches('input, textarea, select') || e.getClientRects().length === 0 || getComputedStyle(e).clipPath === 'inset(50%)') continue;
            if (getComputedStyle(e).overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1)
              out.push(`${name(e)}: ${e.scrollWidth} px of content in ${e.clientWidth}: ${e.textContent.trim().slice(0, 40)}`);
          }
          return out;
        }
        """;

    // Each shown link or control (its bounding box) smaller than 24 × 24 CSS px whose 24 px circle, on its box's centre, meets
    // another target's box or another small target's circle (WCAG 2.5.8 and its spacing exception).
    private const string SmallTargets = $$"""
        () => {
          {{ElementName}}
          const targets = Array.from(document.querySelectorAll('a[href], button, select, input:not([type=hidden]), textarea, summary'))
            .filter(e => e.getClientRects().length > 0)
            .map(e => ({ e, box: e.getBoundingClientRect() }))
            .map(t => ({ ...t, x: t.box.left + t.box.width / 2, y: t.box.top + t.box.height / 2, small: t.box.width < 24 || t.box.height < 24 }));
          const reaches = (t, box) => Math.hypot(t.x - Math.max(box.left, Math.min(t.x, box.right)), t.y - Math.max(box.top, Math.min(t.y, box.bottom))) < 12;
          return targets.filter(t => t.small).flatMap(t => {
            const near = targets.filter(o => o !== t && (reaches(t, o.box) || (o.small && Math.hypot(t.x - o.x, t.y - o.y) < 24)));
            return near.length === 0 ? [] : [`${name(t.e)} "${(t.e.textContent || t.e.name).trim().slice(0, 30)}": ${t.box.width.toFixed(1)} × ${t.box.height.toFixed(1)} px, `
              + `its 24 px circle meets ${near.map(o => `${name(o.e)} "${(o.e.textContent || o.e.name).trim().slice(0, 20)}"`).join(', ')}`];
          });
        }
        """;

    // Each shown element with text of its own whose font size does not double when the root font size does (a browser set
    // to twice its default text size: 16px to 32px).
    private const string NotDoubled = """
        () => {
          const shown = Array.from(document.querySelectorAll('body, body *')).filter(e => e.getClientRects().length > 0
            && Array.from(e.childNodes).some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()));
          const before = shown.map(e => parseFloat(getComputedStyle(e).fontSize));
          document.documentElement.style.fontSize = '32px';
          return shown.flatMap((e, i) => {
            const after = parseFloat(getComputedStyle(e).fontSize);
            return Math.abs(after - 2 * before[i]) < 0.5 ? [] : [`${e.localName}.${e.className}: ${before[i]}px became ${after}px: ${e.textContent.trim().slice(0, 30)}`];
          });
        }
        """;
}
