namespace EmbeddedAiReport.Sources.Feeds;

/// <summary>A <see cref="TextReader"/> over part of a character array (as <see cref="StringReader"/> is over a string), so a pooled buffer can be parsed without copying it into a string.</summary>
internal sealed class CharsReader(char[] chars, int start, int length) : TextReader
{
    private readonly int _end = start + length;
    private int _position = start;

    public override int Peek() => _position < _end ? chars[_position] : -1;

    public override int Read() => _position < _end ? chars[_position++] : -1;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        var count = Math.Min(buffer.Length, _end - _position);
        chars.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override string ReadToEnd()
    {
        var rest = new string(chars, _position, _end - _position);
        _position = _end;
        return rest;
    }
}
