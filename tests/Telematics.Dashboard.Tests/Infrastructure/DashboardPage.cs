using Microsoft.Playwright;

namespace Telematics.Dashboard.Tests.Infrastructure;

/// <summary>One browser tab on the dashboard (its own context: its own sessionStorage and localStorage), collecting every
/// console error and uncaught page error so that a test can assert there was none.</summary>
public sealed class DashboardTab : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    private DashboardTab(IBrowserContext context, IPage page, Uri baseAddress)
    {
        _context = context;
        Page = page;
        BaseAddress = baseAddress;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_errors)
                {
                    _errors.Add(message.Text + (message.Location is { } at ? " (" + at + ")" : string.Empty));
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_errors)
            {
                _errors.Add(error);
            }
        };
    }

    public IPage Page { get; }

    public Uri BaseAddress { get; }

    /// <summary>Console and page errors so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public static Task<DashboardTab> OpenAsync(DashboardHost host, ColorScheme scheme = ColorScheme.Light, int width = 1280) =>
        OpenAsync(host.Browser, host.BaseAddress, scheme, width);

    /// <summary>A tab of <paramref name="browser"/> on the dashboard at <paramref name="baseAddress"/> (another host, or another name of it).</summary>
    public static async Task<DashboardTab> OpenAsync(IBrowser browser, Uri baseAddress, ColorScheme scheme = ColorScheme.Light, int width = 1280)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ColorScheme = scheme,
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
        });
        // Generous: CI runs this project beside the API tests on two cores (load averages of 10 were seen). The bounds a
        // test asserts, such as a live update within 2 s, are set where they are asserted.
        context.SetDefaultTimeout(30_000);
        // Web-first assertions (Assertions.Expect) do not use the context's timeout: theirs is a static default of 5 s.
        Assertions.SetDefaultExpectTimeout(30_000);
        return new DashboardTab(context, await context.NewPageAsync(), baseAddress);
    }

    /// <summary>Goes to a dashboard path and waits until Blazor's circuit has rendered it.</summary>
    public async Task GoToAsync(string path)
    {
        await Page.GotoAsync(path);
        await Page.WaitForSelectorAsync(".mud-layout");
    }

    /// <summary>Signs in with the Development role picker's default role, admin.</summary>
    public async Task SignInAsAdminAsync()
    {
        await GoToAsync("dashboard/signin");
        await Page.GetByTestId("sign-in-role").ClickAsync();
        await Page.GetByTestId("card-trips").WaitForAsync();
    }

    /// <summary>Signs in by pasting a token.</summary>
    public async Task SignInWithTokenAsync(string token)
    {
        await GoToAsync("dashboard/signin");
        await Page.GetByTestId("token").FillAsync(token);
        await Page.GetByTestId("sign-in-token").ClickAsync();
        await WaitForPathAsync("path => !path.includes('/signin')");
    }

    /// <summary>
    /// Saves a full-page screenshot as <c>NAME.png</c> when <c>TELEMATICS_SCREENSHOTS</c> names a directory
    /// (<c>scripts/dashboard-screenshots.sh</c> refreshes the ones in docs/dashboard); does nothing otherwise.
    /// </summary>
    public async Task ScreenshotAsync(string name)
    {
        if (Environment.GetEnvironmentVariable("TELEMATICS_SCREENSHOTS") is { Length: > 0 } directory)
        {
            // Let MudBlazor's charts finish their entry animation first.
            await Page.WaitForTimeoutAsync(800);
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = true });
        }
    }

    /// <summary>
    /// Waits until the page's path satisfies <paramref name="predicate"/> (JavaScript, given <c>location.pathname</c>).
    /// Blazor navigates inside the page (history API, no load event), which Playwright's WaitForURL does not always see.
    /// </summary>
    public Task WaitForPathAsync(string predicate) =>
        Page.WaitForFunctionAsync($"() => ({predicate})(location.pathname)");

    /// <summary>Milliseconds since the navigation started (the Performance API's clock).</summary>
    public Task<double> NowAsync() => Page.EvaluateAsync<double>("() => performance.now()");

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
