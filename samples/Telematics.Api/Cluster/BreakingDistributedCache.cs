using System.Buffers;

using Microsoft.Extensions.Caching.Distributed;

namespace Telematics.Api.Cluster;

/// <summary>
/// The cache's Redis second level behind <see cref="RedisBreaker"/>: while Redis is skipped a read is a miss and a write
/// is dropped (HybridCache serves and fills its first level), and a removal fails at once, so that the invalidation logs
/// that the shared entry stays until it expires. A Redis failure starts the break and is passed on as before.
/// </summary>
internal sealed class BreakingDistributedCache(IDistributedCache inner, RedisBreaker breaker) : IBufferDistributedCache, IDisposable
{
    public byte[]? Get(string key) => breaker.IsOpen ? null : Guard(() => inner.Get(key));

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default) =>
        breaker.IsOpen ? null : await GuardAsync(() => inner.GetAsync(key, token)).ConfigureAwait(false);

    public bool TryGet(string key, IBufferWriter<byte> destination)
    {
        if (breaker.IsOpen)
        {
            return false;
        }

        if (inner is IBufferDistributedCache buffered)
        {
            return Guard(() => buffered.TryGet(key, destination));
        }

        return Copy(Guard(() => inner.Get(key)), destination);
    }

    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        if (breaker.IsOpen)
        {
            return false;
        }

        if (inner is IBufferDistributedCache buffered)
        {
            return await GuardAsync(() => buffered.TryGetAsync(key, destination, token).AsTask()).ConfigureAwait(false);
        }

        return Copy(await GuardAsync(() => inner.GetAsync(key, token)).ConfigureAwait(false), destination);
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        if (!breaker.IsOpen)
        {
            Guard(() => inner.Set(key, value, options));
        }
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        breaker.IsOpen ? Task.CompletedTask : GuardAsync(() => inner.SetAsync(key, value, options, token));

    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options)
    {
        if (!breaker.IsOpen)
        {
            Guard(() =>
            {
                if (inner is IBufferDistributedCache buffered)
                {
                    buffered.Set(key, value, options);
                }
                else
                {
                    inner.Set(key, value.ToArray(), options);
                }
            });
        }
    }

    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        if (!breaker.IsOpen)
        {
            await GuardAsync(() => inner is IBufferDistributedCache buffered
                ? buffered.SetAsync(key, value, options, token).AsTask()
                : inner.SetAsync(key, value.ToArray(), options, token)).ConfigureAwait(false);
        }
    }

    public void Refresh(string key)
    {
        if (!breaker.IsOpen)
        {
            Guard(() => inner.Refresh(key));
        }
    }

    public Task RefreshAsync(string key, CancellationToken token = default) =>
        breaker.IsOpen ? Task.CompletedTask : GuardAsync(() => inner.RefreshAsync(key, token));

    public void Remove(string key)
    {
        ThrowIfOpen();
        Guard(() => inner.Remove(key));
    }

    public Task RemoveAsync(string key, CancellationToken token = default) =>
        breaker.IsOpen ? Task.FromException(new RedisSkippedException()) : GuardAsync(() => inner.RemoveAsync(key, token));

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private static bool Copy(byte[]? value, IBufferWriter<byte> destination)
    {
        if (value is null)
        {
            return false;
        }

        destination.Write(value);
        return true;
    }

    private void ThrowIfOpen()
    {
        if (breaker.IsOpen)
        {
            throw new RedisSkippedException();
        }
    }

    private T Guard<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            breaker.Trip(e);
            throw;
        }
    }

    private void Guard(Action call) => Guard(() =>
    {
        call();
        return true;
    });

    private async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            breaker.Trip(e);
            throw;
        }
    }

    private Task GuardAsync(Func<Task> call) => GuardAsync(async () =>
    {
        await call().ConfigureAwait(false);
        return true;
    });
}
