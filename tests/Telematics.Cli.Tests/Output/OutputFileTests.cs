using Telematics.Cli.Output;

namespace Telematics.Cli.Tests.Output;

public sealed class OutputFileTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("output-file-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task A_write_that_fails_half_way_leaves_the_previous_file_as_it_was_and_nothing_beside_it()
    {
        var path = Path.Combine(_folder.FullName, "scores.csv");
        await File.WriteAllTextAsync(path, "driver_id,score\na,12.5\n");

        var failure = await Assert.ThrowsAsync<IOException>(() => OutputFile.WriteTextAsync(path, async writer =>
        {
            await writer.WriteLineAsync("driver_id,score");
            await writer.WriteLineAsync("b,");
            await writer.FlushAsync();
            throw new IOException("No space left on device");
        }));

        Assert.Equal("No space left on device", failure.Message);
        Assert.Equal("driver_id,score\na,12.5\n", await File.ReadAllTextAsync(path));
        Assert.Equal([path], Directory.GetFiles(_folder.FullName));
    }

    [Fact]
    public async Task A_completed_write_replaces_the_file_whole_in_utf8_without_a_byte_order_mark()
    {
        var path = Path.Combine(_folder.FullName, "features.csv");
        await File.WriteAllTextAsync(path, "old\n");

        await OutputFile.WriteTextAsync(path, writer => writer.WriteAsync("kind,driver_id\ndriver,São Paulo\n"));

        Assert.Equal("kind,driver_id\ndriver,São Paulo\n"u8.ToArray(), await File.ReadAllBytesAsync(path));
        Assert.Equal([path], Directory.GetFiles(_folder.FullName));
    }

    [Fact]
    public void Text_written_synchronously_replaces_the_file_whole_and_a_failed_move_leaves_nothing_beside_it()
    {
        var path = Path.Combine(_folder.FullName, "report.md");
        File.WriteAllText(path, "old\n");
        var blocked = Path.Combine(_folder.FullName, "blocked.md");
        Directory.CreateDirectory(blocked);

        OutputFile.WriteAllText(path, "# Report\n");

        Assert.Equal("# Report\n"u8.ToArray(), File.ReadAllBytes(path));
        Assert.ThrowsAny<IOException>(() => OutputFile.WriteAllText(blocked, "# Report\n"));
        Assert.Equal([path], Directory.GetFiles(_folder.FullName));
    }

    [Fact]
    public async Task A_file_is_created_and_replaced_owner_only_whatever_the_umask()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no Unix mode to check
        }

        var path = Path.Combine(_folder.FullName, "bad.csv");
        await File.WriteAllTextAsync(path, "old\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await OutputFile.WriteTextAsync(path, writer => writer.WriteAsync("record,field,reason,excerpt\n"));
        var fresh = Path.Combine(_folder.FullName, "fresh.csv");
        OutputFile.WriteAllText(fresh, "x\n");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(fresh));
    }
}
