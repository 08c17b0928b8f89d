using System.Collections.Concurrent;

using Microsoft.Extensions.Logging;

namespace Telematics.Api.Tests.Infrastructure;

/// <summary>A logger provider that keeps every entry of a host (level, event id, message), for asserting on what it logged.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, EventId Id, string Message)> _entries = new();

    public IReadOnlyCollection<(LogLevel Level, EventId Id, string Message)> Entries => _entries;

    /// <summary>Whether an entry with <paramref name="eventId"/> at <paramref name="level"/> was logged.</summary>
    public bool Has(LogLevel level, int eventId) => _entries.Any(e => e.Level == level && e.Id.Id == eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                logs._entries.Enqueue((logLevel, eventId, formatter(state, exception)));
            }
        }
    }
}
