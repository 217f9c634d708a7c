package marsad.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.LengthFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/** Drops the tokens shorter than min or longer than max (UTF-16 code units). */
@NamedComponent("length")
public class LengthTokenFilterFactory implements TokenFilterFactory {

    private final int min;
    private final int max;

    @Inject
    public LengthTokenFilterFactory(LengthSettings settings) {
        this.min = settings.min();
        this.max = settings.max();
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new LengthFilter(tokenStream, min, max);
    }
}
