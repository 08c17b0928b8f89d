using System.Text;

namespace Telematics.Cli.Output;

/// <summary>
/// Writes a command's output file whole or not at all: into a temporary file beside it, moved over the path only once
/// complete. A run that fails or is cancelled while writing (a full disk, Ctrl-C) leaves the previous file as it was and
/// no half-written one that a script would read as a short but valid result. Files are created owner-only (0600) on Unix.
/// </summary>
internal static class OutputFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming <paramref name="option"/> when <paramref name="file"/>'s folder does not
    /// exist: checked before a command's work, so that an output written last cannot fail after the work is done (an
    /// ingest's events stored, the report of its bad records lost).
    /// </summary>
    /// <param name="option">The option that gave the file, for the message.</param>
    /// <param name="file">The output file; null when the option was not given.</param>
    public static void RequireFolder(string option, FileInfo? file)
    {
        if (file is not null && !Directory.Exists(file.DirectoryName))
        {
            throw new ArgumentException($"{option}: cannot write {file.FullName}: its folder {file.DirectoryName} does not exist.");
        }
    }

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, which gets a stream to fill.</summary>
    /// <param name="path">The output file; its folder must exist.</param>
    /// <param name="write">Fills the stream; an exception from it leaves <paramref name="path"/> untouched.</param>
    public static async Task WriteAsync(string path, Func<Stream, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Cannot write {full}: its folder {folder} does not exist.");
        }

        // Beside the target, so that the move is a rename within one file system; errors name the target, not this.
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.partial");
        FileStream created;
        try
        {
            created = new FileStream(temporary, CreateOptions());
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"Cannot write {full}: no permission to create a file in {folder}.", e);
        }

        try
        {
            await using (var stream = created)
            {
                await write(stream).ConfigureAwait(false);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    // Owner-only (0600) on Unix, whatever the umask: the files hold drivers' scores and features, and --report-bad the raw
    // records with their times and positions. The rename keeps the mode, so a file replaced is owner-only too.
    private static FileStreamOptions CreateOptions()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 64 * 1024,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> as UTF-8 (no byte order mark), whole or not at all; for synchronous callers.</summary>
    /// <param name="path">The output file; its folder must exist.</param>
    /// <param name="text">The whole content.</param>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Utf8.GetBytes(text);
        // Nothing here waits on I/O completion of its own: the stream is written synchronously, so blocking costs nothing.
        WriteAsync(path, stream =>
        {
            stream.Write(bytes);
            return Task.CompletedTask;
        }).GetAwaiter().GetResult();
    }

    /// <summary>Writes <paramref name="path"/> as UTF-8 text (no byte order mark) through <paramref name="write"/>.</summary>
    /// <param name="path">The output file; its folder must exist.</param>
    /// <param name="write">Writes the text; an exception from it leaves <paramref name="path"/> untouched.</param>
    public static Task WriteTextAsync(string path, Func<TextWriter, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return WriteAsync(path, async stream =>
        {
            await using var writer = new StreamWriter(stream, Utf8, bufferSize: 64 * 1024, leaveOpen: true);
            await write(writer).ConfigureAwait(false);
        });
    }
}
