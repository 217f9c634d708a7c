package marsad.analysis;

import java.util.regex.Pattern;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.pattern.PatternReplaceFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/** Replaces what a Java regex matches in each token (every match unless all is false). */
@NamedComponent("pattern_replace")
public class PatternReplaceTokenFilterFactory implements TokenFilterFactory {

    private final Pattern pattern;
    private final String replacement;
    private final boolean all;

    /** As for pattern_capture, the default instance has no pattern: refused only when a stream is made. */
    @Inject
    public PatternReplaceTokenFilterFactory(PatternReplaceSettings settings) {
        this.pattern = settings.pattern().isEmpty() ? null : Pattern.compile(settings.pattern());
        this.replacement = settings.replacement();
        this.all = settings.all();
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        if (pattern == null) {
            throw new IllegalArgumentException("required setting 'pattern' is missing for token filter [pattern_replace]");
        }
        return new PatternReplaceFilter(tokenStream, pattern, replacement, all);
    }
}
