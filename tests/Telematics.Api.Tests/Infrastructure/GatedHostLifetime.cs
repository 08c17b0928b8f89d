using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Telematics.Api.Tests.Infrastructure;

/// <summary>
/// Holds the app's own <c>IHost.StartAsync</c> (it runs on the entry point's thread under
/// <c>WebApplicationFactory</c>) until the test thread has subscribed to the host's start, then behaves as the
/// lifetime it wraps.
/// </summary>
/// <remarks>
/// Without the hold, a host that fails to start (an option that fails <c>ValidateOnStart</c>, a missing signing key)
/// can be started, fail and be disposed by the entry point before the factory's <c>DeferredHost.StartAsync</c> resolves
/// <c>IHostApplicationLifetime</c> from it: the test then sees an <see cref="ObjectDisposedException"/> instead of the
/// start-up error. <c>WaitForStartAsync</c> is the first thing <c>Host.StartAsync</c> awaits, before the start-up
/// validators and the hosted services, so nothing of the host has run while it is held.
/// </remarks>
internal sealed class GatedHostLifetime(IHostLifetime inner, Task opened) : IHostLifetime
{
    public async Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        await opened.WaitAsync(cancellationToken).ConfigureAwait(false);
        await inner.WaitForStartAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => inner.StopAsync(cancellationToken);

    /// <summary>Wraps the app's registered <see cref="IHostLifetime"/> so that its start waits for <paramref name="opened"/>.</summary>
    public static void Install(IServiceCollection services, Task opened)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IHostLifetime))
            ?? throw new InvalidOperationException("The host registers no IHostLifetime to hold at start.");
        services.Remove(registered);
        services.AddSingleton<IHostLifetime>(provider => new GatedHostLifetime(Create(provider, registered), opened));
    }

    private static IHostLifetime Create(IServiceProvider provider, ServiceDescriptor registered) =>
        (IHostLifetime)(registered.ImplementationInstance
            ?? registered.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!));
}
