using System.Runtime.InteropServices;

namespace Telematics.Storage.Postgres.Partitions;

/// <summary>Makes a rename durable: fsync of the folder that holds the new name (POSIX; Windows has no folder fsync and NTFS journals renames).</summary>
internal static partial class DurableFile
{
    private const int ReadOnly = 0;

    /// <summary>Flushes the folder's entries to disk so a rename into it survives a power loss.</summary>
    /// <param name="directory">The folder.</param>
    /// <exception cref="IOException">The folder cannot be opened or flushed.</exception>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Cannot open archive folder {directory} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"Cannot flush archive folder {directory} to disk (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
