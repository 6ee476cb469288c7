using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace EmbeddedAiReport.Storage;

/// <summary>Which file a path names (device and inode, from Linux's <c>statx</c>), to notice that it was deleted or replaced.</summary>
/// <remarks>
/// .NET has no portable way to ask for an inode. <c>statx</c> is used because its result has one layout on every
/// architecture (glibc's <c>struct stat</c> does not). Elsewhere, or where the C library lacks it, nothing is known and
/// nothing is checked. Public for the command line's check that an --out is not the database. A record class, so that
/// threads share one by a plain reference, never a torn copy.
/// </remarks>
public sealed record FileIdentity(ulong Device, ulong Inode)
{
    private const int AtFdCwd = -100;
    private const uint StatxIno = 0x100;
    private const int Enoent = 2, Enotdir = 20;
    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>The file's device and inode; <see cref="Missing"/> when no file is there; null when it cannot be told.</summary>
    public static FileIdentity? Of(string path)
    {
        if (s_unavailable) return null;
        var buffer = new byte[256];   // struct statx
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxIno, buffer) != 0)
                return Marshal.GetLastPInvokeError() is Enoent or Enotdir ? Missing : null;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            s_unavailable = true;   // a C library older than glibc 2.28
            return null;
        }
        var inode = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(32));
        var device = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(136)) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(140));
        return new FileIdentity(device, inode);
    }

    /// <summary>What <see cref="Of"/> returns for a path with no file.</summary>
    public static readonly FileIdentity Missing = new(0, 0);

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
