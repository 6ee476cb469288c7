using Microsoft.Playwright;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright, one browser per test class (xunit class fixture). Nothing is downloaded: the
/// browser is /usr/bin/chromium (or EAIR_CHROMIUM), which .ci/run installs with apt when it is missing.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    /// <summary>
    /// Flags for this closed network: no background connections, no component updates, no sync, and no host name resolved
    /// but 127.0.0.1 (the pages are served there; without the rule Chromium still looked names up through the system's
    /// resolver, ~370 DNS queries per test run); root needs --no-sandbox.
    /// </summary>
    private static readonly string[] Flags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("EAIR_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"{ExecutablePath} not found: the browser tests need Debian's chromium (apt-get install -y chromium), as .ci/run installs it");
        _playwright = await Playwright.CreateAsync();
        // Playwright starts Chromium on a fresh, empty --user-data-dir of its own (a temp folder removed when the browser closes).
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true, Args = Flags });
    }

    /// <summary>A new page in a fresh context (own cookies), sized like a laptop or a phone; <paramref name="script"/> false: JavaScript off.</summary>
    public Task<IPage> NewPageAsync(bool phone = false, bool script = true) => NewPageAsync(phone ? Screen.Phone : Screen.Laptop, script);

    /// <summary>A new page in a fresh context (own cookies) on <paramref name="screen"/>; <paramref name="script"/> false: JavaScript off.</summary>
    public async Task<IPage> NewPageAsync(Screen screen, bool script = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = screen.Width, Height = screen.Height }, DeviceScaleFactor = screen.Scale,
            IsMobile = screen.Touch, HasTouch = screen.Touch, Locale = "zh-CN", JavaScriptEnabled = script,
        });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}

/// <summary>
/// A screen as a page sees it: its size in CSS px, device pixels per CSS px, and whether it is a phone's (touch, mobile
/// viewport). Zooming a browser in is a smaller screen of more device pixels: 1280 × 800 at 400 % is 320 × 200 at 4.
/// </summary>
public sealed record Screen(string Name, int Width, int Height, float Scale = 1, bool Touch = false)
{
    public static readonly Screen Laptop = new("laptop", 1366, 900);
    public static readonly Screen Phone = new("phone", 390, 844, Touch: true);
    /// <summary>A small phone upright (360 CSS px wide, as many Android phones).</summary>
    public static readonly Screen SmallPhone = new("small phone", 360, 740, Touch: true);
    /// <summary>A 1280 × 800 laptop zoomed to 400 %: the 320 CSS px WCAG 1.4.10 (Reflow) asks content to fit.</summary>
    public static readonly Screen Zoomed400 = new("laptop at 400 %", 320, 200, Scale: 4);

    public static Screen Named(string name) => new[] { Laptop, Phone, SmallPhone, Zoomed400 }.Single(s => s.Name == name);
}
