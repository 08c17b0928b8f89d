using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Telematics.Features.Ingest.Ndjson;
using Telematics.Features.Samples;

namespace Telematics.Features.Ingest.Json;

/// <summary>
/// Reads samples from one JSON array of objects (<c>[{…},{…}]</c>) with the canonical field names of
/// <see cref="NdjsonSampleReader"/>, element by element as the bytes arrive, so the array is never held whole.
/// </summary>
/// <remarks>
/// <para>
/// Each element is parsed like an NDJSON line (same fields, types and validation); its position in the array, from 1,
/// is the record number in errors. A byte order mark and any whitespace between tokens are accepted; empty input gives
/// no samples and no error. An element that is not a valid sample object is a bad record (rejected or skipped as the
/// options say). Input that is not an array at all — no <c>[</c>, no closing <c>]</c>, text after it, an element
/// longer than <see cref="SampleReaderOptions.MaxRecordBytes"/> — cannot be resynchronised and always throws
/// <see cref="TelematicsFormatException"/>. See <see cref="SampleReader"/> for the read loop.
/// </para>
/// </remarks>
public sealed class JsonArraySampleReader : SampleReader
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static readonly SearchValues<byte> Structural = SearchValues.Create("\"{}[],"u8);
    private static readonly SearchValues<byte> InString = SearchValues.Create("\"\\"u8);

    private byte[] _scratch = [];
    private State _state;
    private long _record;
    private TripIdSequence _tripIds;

    private JsonArraySampleReader(PipeReader input, SampleReaderOptions? options, bool leaveOpen)
        : base(input, options, leaveOpen)
    {
    }

    private enum State : byte
    {
        Start,
        FirstElement,
        Element,
        AfterElement,
        AfterArray,
    }

    /// <summary>Creates a reader over a pipe.</summary>
    /// <param name="input">The JSON bytes, UTF-8.</param>
    /// <param name="options">Bad-record handling and limits; <see langword="null"/> for the defaults.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="input"/> uncompleted.</param>
    /// <returns>The reader; dispose it when done.</returns>
    public static JsonArraySampleReader Create(PipeReader input, SampleReaderOptions? options = null, bool leaveOpen = false) =>
        new(input, options, leaveOpen);

    /// <summary>Creates a reader over a stream.</summary>
    /// <param name="stream">The JSON bytes, UTF-8.</param>
    /// <param name="options">Bad-record handling and limits; <see langword="null"/> for the defaults.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="stream"/> open.</param>
    /// <returns>The reader; dispose it when done.</returns>
    public static JsonArraySampleReader FromStream(Stream stream, SampleReaderOptions? options = null, bool leaveOpen = false) =>
        new(OpenStream(stream, leaveOpen), options, leaveOpen: false);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private protected override async ValueTask FillAsync(SampleBuffer destination, int limit, CancellationToken cancellationToken)
    {
        while (!IsCompleted && destination.Count < limit)
        {
            var result = await Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            SequencePosition consumed;
            try
            {
                consumed = Parse(buffer, result.IsCompleted, destination, limit);
            }
            catch
            {
                Input.AdvanceTo(buffer.Start, buffer.End);
                IsCompleted = true;
                throw;
            }

            if (result.IsCompleted && buffer.Slice(consumed).IsEmpty)
            {
                if (_state is not (State.Start or State.AfterArray))
                {
                    Input.AdvanceTo(consumed);
                    IsCompleted = true;
                    throw TelematicsFormatException.For(_record + 1, null, "the JSON array is not closed with ']'", default);
                }

                IsCompleted = true;
                Input.AdvanceTo(consumed);
            }
            else if (destination.Count >= limit)
            {
                Input.AdvanceTo(consumed, consumed);
            }
            else
            {
                Input.AdvanceTo(consumed, buffer.End);
            }
        }
    }

    private protected override void ReleaseBuffers()
    {
        if (_scratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = [];
        }
    }

    private SequencePosition Parse(in ReadOnlySequence<byte> buffer, bool isCompleted, SampleBuffer destination, int limit)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (_state == State.Start)
        {
            if (reader.Remaining < Utf8Bom.Length && !isCompleted)
            {
                return reader.Position;
            }

            reader.IsNext(Utf8Bom, advancePast: true);
        }

        while (destination.Count < limit)
        {
            reader.AdvancePastAny(" \t\r\n"u8);
            if (reader.End)
            {
                break;
            }

            reader.TryPeek(out var next);
            switch (_state)
            {
                case State.Start:
                    if (next != (byte)'[')
                    {
                        throw TelematicsFormatException.For(1, null, "the body is not a JSON array of sample objects", reader.UnreadSpan);
                    }

                    reader.Advance(1);
                    _state = State.FirstElement;
                    continue;
                case State.FirstElement when next == (byte)']':
                    reader.Advance(1);
                    _state = State.AfterArray;
                    continue;
                case State.AfterElement:
                    reader.Advance(1);
                    _state = next switch
                    {
                        (byte)',' => State.Element,
                        (byte)']' => State.AfterArray,
                        _ => throw TelematicsFormatException.For(_record, null, "expected ',' or ']' after the element", reader.UnreadSpan),
                    };
                    continue;
                case State.AfterArray:
                    throw TelematicsFormatException.For(_record, null, "text follows the JSON array", reader.UnreadSpan);
            }

            // State.FirstElement or State.Element: one value up to the next ',' or ']' outside strings and nesting.
            if (!TryTakeElement(ref reader, isCompleted, out var element))
            {
                break;
            }

            _record++;
            _state = State.AfterElement;
            var error = default(RecordError);
            if (NdjsonSampleReader.TryParseObject(element, out var sample, ref error) && Limits.Check(ref sample, ref error))
            {
                _tripIds.Accept(ref sample, error.TripKey);
                destination.Add(in sample);
                Report.Accepted();
            }
            else
            {
                Reject(_record, error.Field, error.Reason, element);
            }
        }

        return reader.Position;
    }

    private bool TryTakeElement(ref SequenceReader<byte> reader, bool isCompleted, out ReadOnlySpan<byte> element)
    {
        var unread = reader.UnreadSpan;
        var end = FindElementEnd(unread);
        if (end < 0 && !reader.UnreadSequence.IsSingleSegment)
        {
            unread = Gather(reader.UnreadSequence);
            end = FindElementEnd(unread);
        }

        if (end < 0)
        {
            element = default;
            if (unread.Length > Options.MaxRecordBytes)
            {
                throw TelematicsFormatException.For(_record + 1, null, $"the element is longer than {Options.MaxRecordBytes} bytes", unread);
            }

            if (isCompleted)
            {
                throw TelematicsFormatException.For(_record + 1, null, "the JSON array is not closed with ']'", unread);
            }

            return false;
        }

        element = unread[..end].TrimEnd(" \t\r\n"u8);
        reader.Advance(end);
        if (element.IsEmpty)
        {
            throw TelematicsFormatException.For(_record + 1, null, "an element is missing between commas", unread[..Math.Min(unread.Length, 16)]);
        }

        return true;
    }

    /// <summary>The index of the ',' or ']' that ends the value starting at the span's start, or -1 when not in the span.</summary>
    private static int FindElementEnd(ReadOnlySpan<byte> span)
    {
        var depth = 0;
        var i = 0;
        while (i < span.Length)
        {
            var found = span[i..].IndexOfAny(Structural);
            if (found < 0)
            {
                return -1;
            }

            i += found;
            switch (span[i])
            {
                case (byte)'"':
                    i = SkipString(span, i + 1);
                    if (i < 0)
                    {
                        return -1;
                    }

                    continue;
                case (byte)'{' or (byte)'[':
                    depth++;
                    break;
                case (byte)'}':
                    depth--;
                    break;
                case (byte)']':
                    if (depth == 0)
                    {
                        return i;
                    }

                    depth--;
                    break;
                case (byte)',':
                    if (depth == 0)
                    {
                        return i;
                    }

                    break;
            }

            i++;
        }

        return -1;
    }

    /// <summary>The index just past the closing quote of a string whose content starts at <paramref name="i"/>, or -1.</summary>
    private static int SkipString(ReadOnlySpan<byte> span, int i)
    {
        while (i < span.Length)
        {
            var found = span[i..].IndexOfAny(InString);
            if (found < 0)
            {
                return -1;
            }

            i += found;
            if (span[i] == (byte)'"')
            {
                return i + 1;
            }

            i += 2; // a backslash escapes the next byte
        }

        return -1;
    }

    private ReadOnlySpan<byte> Gather(ReadOnlySequence<byte> sequence)
    {
        var length = (int)Math.Min(sequence.Length, Options.MaxRecordBytes + 1L);
        if (_scratch.Length < length)
        {
            ReleaseBuffers();
            _scratch = ArrayPool<byte>.Shared.Rent(length);
        }

        sequence.Slice(0, length).CopyTo(_scratch);
        return _scratch.AsSpan(0, length);
    }
}
