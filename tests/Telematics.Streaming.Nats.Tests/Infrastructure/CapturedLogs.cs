using System.Collections.Concurrent;

using Microsoft.Extensions.Logging;

namespace Telematics.Streaming.Nats.Tests.Infrastructure;

/// <summary>A logger factory that keeps every entry as a console would print it: event id, message and exception.</summary>
internal sealed class CapturedLogs : ILoggerFactory
{
    private readonly ConcurrentQueue<(int EventId, string Text)> _entries = new();

    public IReadOnlyCollection<(int EventId, string Text)> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs._entries.Enqueue((eventId.Id, $"{category}: {formatter(state, exception)}{(exception is null ? string.Empty : Environment.NewLine + exception)}"));
    }
}
