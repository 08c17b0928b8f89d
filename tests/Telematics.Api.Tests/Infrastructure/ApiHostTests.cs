namespace Telematics.Api.Tests.Infrastructure;

public sealed class ApiHostTests
{
    [Fact]
    public async Task A_host_that_fails_to_start_reports_its_own_error_however_late_the_test_thread_starts_it()
    {
        // The app's entry point runs on its own thread; left alone it would fail to start and dispose the host within
        // these 500 ms, and the factory would then report an ObjectDisposedException instead of the options error.
        await using var host = new ApiHost()
            .With("RateLimits:Batch:PermitLimit", "0")
            .DelayStartBy(TimeSpan.FromMilliseconds(500));

        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        Assert.IsNotType<ObjectDisposedException>(error);
        Assert.Contains("RateLimits", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_that_starts_serves_after_a_late_start()
    {
        await using var host = new ApiHost().DelayStartBy(TimeSpan.FromMilliseconds(200));
        using var client = host.ClientAs(null);

        using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
